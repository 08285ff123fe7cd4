import type { Attr, Document, Element, Node } from '@simple/xml';
import type { NamespaceContext, NodeSelector, QName, Step } from './node-selector.js';

/** What a node selector selected (RFC 4825 §6.3). */
export type Selected =
  | { readonly kind: 'element'; readonly element: Element }
  | { readonly kind: 'attribute'; readonly element: Element; readonly name: QName; readonly attr: Attr }
  | { readonly kind: 'namespace'; readonly element: Element };

/** §6.3: a selector either selects exactly one node, or is a no-match, or is invalid (it selects several). */
export type Evaluation = { readonly ok: true; readonly value: Selected } | { readonly ok: false; readonly error: 'no-match' | 'invalid' | 'unbound-prefix' };

/** Evaluates a whole node selector against a document. */
export function evaluateNodeSelector(doc: Document, selector: NodeSelector, ns: NamespaceContext): Evaluation {
  const el = evaluateSteps(doc, selector.steps, ns);
  if (!el.ok) return el;
  const t = selector.terminal;
  if (t === undefined) return { ok: true, value: { kind: 'element', element: el.value } };
  if (t.kind === 'namespace') return { ok: true, value: { kind: 'namespace', element: el.value } };
  const uri = attributeNamespace(t.name, ns);
  if (uri === undefined) return { ok: false, error: 'unbound-prefix' };
  const attr = findAttribute(el.value, uri, t.name.local);
  return attr === undefined ? { ok: false, error: 'no-match' } : { ok: true, value: { kind: 'attribute', element: el.value, name: t.name, attr } };
}

/**
 * Evaluates location steps from the document: the first step is matched against the root
 * element, each further one against the element children of the node the previous selected.
 * Every step must select exactly one element.
 */
export function evaluateSteps(doc: Document, steps: readonly Step[], ns: NamespaceContext): { readonly ok: true; readonly value: Element } | { readonly ok: false; readonly error: 'no-match' | 'invalid' | 'unbound-prefix' } {
  let context: Element | undefined;
  for (const step of steps) {
    const candidates = context === undefined ? (doc.documentElement === null ? [] : [doc.documentElement]) : childElements(context);
    const r = applyStep(candidates, step, ns);
    if (!r.ok) return r;
    context = r.value;
  }
  return context === undefined ? { ok: false, error: 'no-match' } : { ok: true, value: context };
}

/** One step over a list of sibling elements (§6.3): name, then position among the named, then the attribute test. */
export function applyStep(siblings: readonly Element[], step: Step, ns: NamespaceContext): { readonly ok: true; readonly value: Element } | { readonly ok: false; readonly error: 'no-match' | 'invalid' | 'unbound-prefix' } {
  const named = matchingName(siblings, step, ns);
  if (named === undefined) return { ok: false, error: 'unbound-prefix' };
  let selected = named;
  if (step.position !== undefined) {
    const one = named[step.position - 1];
    selected = one === undefined ? [] : [one];
  }
  if (step.attr !== undefined) {
    const uri = attributeNamespace(step.attr.name, ns);
    if (uri === undefined) return { ok: false, error: 'unbound-prefix' };
    const { local } = step.attr.name;
    const value = step.attr.value;
    selected = selected.filter((e) => findAttribute(e, uri, local)?.value === value);
  }
  if (selected.length === 0) return { ok: false, error: 'no-match' };
  if (selected.length > 1) return { ok: false, error: 'invalid' };
  return { ok: true, value: selected[0] as Element };
}

/** The siblings whose expanded name matches the step's NameorAny (undefined: an unbound prefix). */
export function matchingName(siblings: readonly Element[], step: Step, ns: NamespaceContext): Element[] | undefined {
  if (step.name === undefined) return [...siblings];
  const uri = elementNamespace(step.name, ns);
  if (uri === undefined) return undefined;
  const local = step.name.local;
  return siblings.filter((e) => (e.namespaceURI ?? '') === uri && (e.localName ?? e.nodeName) === local);
}

/** RFC 4825 §6.3: a prefixed name through the `xmlns()` bindings, an unprefixed one in the usage's default namespace. */
export function elementNamespace(name: QName, ns: NamespaceContext): string | undefined {
  return name.prefix === undefined ? ns.defaultNamespace : ns.bindings.get(name.prefix);
}

/** Unprefixed attribute names are in no namespace (XML Namespaces §6.2). */
export function attributeNamespace(name: QName, ns: NamespaceContext): string | undefined {
  if (name.prefix === undefined) return '';
  if (name.prefix === 'xml') return 'http://www.w3.org/XML/1998/namespace';
  return ns.bindings.get(name.prefix);
}

export function findAttribute(el: Element, uri: string, local: string): Attr | undefined {
  for (let i = 0; i < el.attributes.length; i++) {
    const a = el.attributes.item(i);
    if (a === null || isNamespaceDeclaration(a)) continue;
    if ((a.namespaceURI ?? '') === uri && (a.localName ?? a.name) === local) return a;
  }
  return undefined;
}

export function isNamespaceDeclaration(a: Attr): boolean {
  return a.name === 'xmlns' || a.name.startsWith('xmlns:');
}

export function childElements(el: Element): Element[] {
  const out: Element[] = [];
  for (let c: Node | null = el.firstChild; c !== null; c = c.nextSibling) if (c.nodeType === 1) out.push(c as Element);
  return out;
}

/** The namespace bindings in scope at an element, nearest declaration first ('' is the default namespace). */
export function inScopeNamespaces(el: Element): Map<string, string> {
  const out = new Map<string, string>();
  for (let n: Node | null = el; n !== null && n.nodeType === 1; n = n.parentNode) {
    const e = n as Element;
    for (let i = 0; i < e.attributes.length; i++) {
      const a = e.attributes.item(i);
      if (a === null || !isNamespaceDeclaration(a)) continue;
      const prefix = a.name === 'xmlns' ? '' : a.name.slice(6);
      if (!out.has(prefix)) out.set(prefix, a.value);
    }
  }
  return out;
}
