import type { CharacterData, Document, Element, Node } from '@xmldom/xmldom';
import {
  CDATA_SECTION_NODE,
  COMMENT_NODE,
  ELEMENT_NODE,
  NCNAME,
  PROCESSING_INSTRUCTION_NODE,
  TEXT_NODE,
  attributesOf,
  childNodes,
  declaredPrefix,
  isDocument,
  isElement,
  isNamespaceDeclaration,
  isTextLike,
  isXmlWhitespace,
  ownDeclarations,
  plainAttributes,
  runAround,
  runText,
} from './dom-nodes.js';
import { evaluateSelector, type IdOptions, type Located } from './evaluate-selector.js';
import {
  choosePrefix,
  declareNamespace,
  freshPrefix,
  inScopeNamespaces,
  prefixInUse,
  rebindPrefix,
  validNamespaceUri,
  type NamespaceScope,
} from './namespace-scope.js';
import { PatchError, type PatchErrorCode } from './patch-error.js';
import { parseSelector } from './selector.js';

/** What an operation needs to know besides the document and itself. */
export interface OperationOptions extends IdOptions {
  /** Namespace the operation elements must be in (null = none); undefined accepts any (RFC 5261 §3: the including schema decides). */
  readonly operationNamespace: string | null | undefined;
}

class Failure extends Error {
  constructor(
    readonly code: PatchErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function fail(code: PatchErrorCode, message: string): never {
  throw new Failure(code, message);
}

/**
 * Applies one patch operation element to `doc`, in place (RFC 5261 §4). Returns the error
 * when the operation cannot be unambiguously fulfilled (§5); `doc` may then be partly
 * changed, so callers work on a copy (applyPatch does).
 */
export function applyOperation(doc: Document, op: Element, options: OperationOptions): PatchError | undefined {
  const sel = op.getAttribute('sel') ?? undefined;
  try {
    const kind = op.localName ?? op.nodeName;
    const known = kind === 'add' || kind === 'replace' || kind === 'remove';
    if (!known || (options.operationNamespace !== undefined && (op.namespaceURI ?? null) !== options.operationNamespace)) {
      fail('invalid-patch-directive', `<${op.nodeName}> is not a patch operation (RFC 5261 §4: add, replace, remove)`);
    }
    if (sel === undefined) fail('invalid-attribute-value', `<${op.nodeName}> has no 'sel' attribute (RFC 5261 §4.1)`);
    if (kind === 'add') add(doc, op, sel, options);
    else if (kind === 'replace') replace(doc, op, sel, options);
    else remove(doc, op, sel, options);
    return undefined;
  } catch (e) {
    if (e instanceof Failure) return new PatchError(e.code, e.message, { sel, operation: detachedCopy(op) });
    throw e;
  }
}

/**
 * A copy of the operation element that keeps its meaning outside the diff document: the
 * in-scope namespaces its selector and content rely on are declared on it (RFC 5261 §5.1:
 * the error element contains the operation that failed).
 */
function detachedCopy(op: Element): Element {
  const copy = op.cloneNode(true) as Element;
  const own = ownDeclarations(op);
  const scope = inScopeNamespaces(op);
  for (const [prefix, uri] of scope) {
    if (prefix === 'xml' || own.has(prefix) || uri === '') continue;
    if (prefix === (op.prefix ?? '') && uri === (op.namespaceURI ?? '')) continue;
    declareNamespace(copy, prefix, uri);
  }
  // Unprefixed element names in the selector mean "no namespace" here (§4.2.1); say so
  // explicitly, or they would read as the error document's default namespace.
  let usesDefault = false;
  const sel = op.getAttribute('sel');
  const resolve = (prefix: string): string | undefined => {
    if (prefix === '') usesDefault = true;
    return scope.get(prefix);
  };
  if (sel !== null) parseSelector(sel, resolve, false);
  if (usesDefault && (scope.get('') ?? '') === '' && !own.has('') && op.prefix !== null && op.prefix !== '') declareNamespace(copy, '', '');
  return copy;
}

function locate(doc: Document, op: Element, sel: string, forAdd: boolean, options: OperationOptions): Located {
  const scope = inScopeNamespaces(op);
  const parsed = parseSelector(sel, (p) => scope.get(p), forAdd);
  if (!parsed.ok) return fail(parsed.code, parsed.message);
  const found = evaluateSelector(doc, parsed.value, options);
  if (!found.ok) return fail(found.code, found.message);
  // RFC 5261 §4.1: a single unique node; none or several is an error.
  if (found.nodes.length !== 1) fail('unlocated-node', found.nodes.length === 0 ? `no node matches "${sel}"` : `${found.nodes.length} nodes match "${sel}"; a unique node is required`);
  return found.nodes[0] as Located;
}

// ---------------------------------------------------------------------------------------
// <add>, RFC 5261 §4.3

function add(doc: Document, op: Element, sel: string, options: OperationOptions): void {
  const pos = op.getAttribute('pos');
  const type = op.getAttribute('type');
  if (pos !== null && pos !== 'before' && pos !== 'after' && pos !== 'prepend') fail('invalid-attribute-value', `pos="${pos}" is not before, after or prepend (RFC 5261 §4.3)`);
  let typeTarget: { readonly attr: string } | { readonly ns: string } | undefined;
  if (type !== null) {
    const attr = /^@((?:[^:\s]+:)?[^:\s]+)$/u.exec(type);
    const ns = /^namespace::(.+)$/u.exec(type);
    if (attr?.[1] !== undefined && attr[1].split(':').every((part) => NCNAME.test(part))) typeTarget = { attr: attr[1] };
    else if (ns?.[1] !== undefined && NCNAME.test(ns[1])) typeTarget = { ns: ns[1] };
    else fail('invalid-attribute-value', `type="${type}" is neither @attr nor namespace::prefix (RFC 5261 §4.3)`);
  }
  // RFC 5261 §4.3: 'pos' "is not used when adding attributes or namespaces".
  if (pos !== null && typeTarget !== undefined) fail('invalid-patch-directive', "'pos' cannot be combined with 'type' (RFC 5261 §4.3)");
  const target = locate(doc, op, sel, true, options);
  const content = childNodes(op);

  if (typeTarget !== undefined) {
    // RFC 5261 §4.3: the located node must be an element; the content a single text node.
    if (target.kind !== 'element') return fail('invalid-node-types', `'type' needs an element, the selector located a ${target.kind} node`);
    const value = textValue(content);
    if ('attr' in typeTarget) addAttribute(target.node, op, typeTarget.attr, value);
    else addNamespace(target.node, typeTarget.ns, value);
    return;
  }

  let parent: Element | Document;
  let ref: Node | null;
  if (pos === null || pos === 'prepend') {
    // §4.3: appended as the last child (or, "prepend", the first) of the located element.
    if (target.kind !== 'element') return fail('invalid-node-types', `only an element can receive children; the selector located a ${target.kind} node (use pos="before" or "after")`);
    parent = target.node;
    ref = pos === 'prepend' ? target.node.firstChild : null;
  } else {
    // §4.3: immediate preceding ("before") or following ("after") siblings of the located node.
    const nodes: readonly Node[] = target.kind === 'text' ? target.run : target.kind === 'element' || target.kind === 'comment' || target.kind === 'pi' ? [target.node] : [];
    const first = nodes[0];
    const last = nodes[nodes.length - 1];
    if (first === undefined || last === undefined || first.parentNode === null) return fail('invalid-node-types', 'the located node has no siblings');
    parent = first.parentNode as Element | Document;
    ref = pos === 'before' ? first : last.nextSibling;
  }
  if (isDocument(parent)) checkDocumentLevel(content);
  insertContent(doc, parent, ref, content);
}

/** RFC 5261 §3: a document has a single root element and no text outside it. */
function checkDocumentLevel(content: readonly Node[]): void {
  for (const c of content) {
    if (isElement(c)) fail('invalid-root-element-operation', 'a sibling element of the document root element cannot be added (RFC 5261 §3)');
    if (c.nodeType === CDATA_SECTION_NODE || (c.nodeType === TEXT_NODE && !isXmlWhitespace((c as CharacterData).data))) {
      fail('invalid-xml-prolog-operation', 'text cannot be added outside the document root element (RFC 5261 §3)');
    }
  }
}

/** Copies `content` into `parent` before `ref` with namespace mangling (§4.2.3), then joins adjacent text nodes (§4.3.5). */
function insertContent(doc: Document, parent: Element | Document, ref: Node | null, content: readonly Node[]): void {
  const scope = isElement(parent) ? inScopeNamespaces(parent) : inScopeNamespaces(null);
  const context = isElement(parent) ? { prefix: parent.prefix ?? '', ns: parent.namespaceURI } : null;
  const inserted = content.map((c) => importContent(doc, c, scope, context));
  if (inserted.length === 0) return;
  for (const n of inserted) parent.insertBefore(n, ref);
  joinText(inserted[0] as Node);
  if (ref !== null) joinText(ref);
  else if (parent.lastChild !== null) joinText(parent.lastChild);
}

/**
 * RFC 5261 §4.3.5 / §4.5.6: "a text node MUST NOT have another text node as an immediate
 * sibling node": a Text node following a Text node is merged into it. (A CDATA section stays
 * a separate DOM node; it already belongs to the same XPath text node, §4.3.5 Note.)
 */
function joinText(n: Node): void {
  const prev = n.previousSibling;
  if (n.nodeType === TEXT_NODE && prev !== null && prev.nodeType === TEXT_NODE) {
    (prev as CharacterData).appendData((n as CharacterData).data);
    n.parentNode?.removeChild(n);
  }
}

/**
 * Copies a node of the diff document into the target document (RFC 5261 §4.2.3): namespace
 * declarations the new content makes are copied unaltered; element and attribute names get
 * the prefix the in-scope declarations of the target give their namespace (choosePrefix),
 * or a local declaration when the target has none for it.
 */
function importContent(doc: Document, src: Node, scope: NamespaceScope, context: { prefix: string; ns: string | null } | null): Node {
  switch (src.nodeType) {
    case TEXT_NODE:
      return doc.createTextNode((src as CharacterData).data);
    case CDATA_SECTION_NODE:
      return doc.createCDATASection((src as CharacterData).data);
    case COMMENT_NODE:
      return doc.createComment((src as CharacterData).data);
    case PROCESSING_INSTRUCTION_NODE:
      return doc.createProcessingInstruction((src as CharacterData & { target: string }).target, (src as CharacterData).data);
    case ELEMENT_NODE:
      break;
    default:
      return fail('invalid-node-types', `a node of type ${src.nodeType} cannot be added`);
  }
  const el = src as Element;
  const own = ownDeclarations(el);
  const inner: NamespaceScope = new Map(scope);
  for (const [p, uri] of own) inner.set(p, uri);
  const added = new Map<string, string>();
  const declare = (p: string, uri: string): void => {
    added.set(p, uri);
    inner.set(p, uri);
  };
  const ns = el.namespaceURI ?? null;
  const local = el.localName ?? el.nodeName;
  let prefix = '';
  if (ns === null) {
    if ((inner.get('') ?? '') !== '') declare('', '');
  } else {
    const diffPrefix = el.prefix ?? '';
    const chosen = choosePrefix(ns, diffPrefix, inner, context, false);
    if (chosen !== undefined) prefix = chosen;
    else {
      prefix = own.has(diffPrefix) && own.get(diffPrefix) !== ns ? freshPrefix(inner, diffPrefix) : diffPrefix;
      declare(prefix, ns);
    }
  }
  const out = doc.createElementNS(ns, prefix === '' ? local : `${prefix}:${local}`);
  const attrs: Array<[string | null, string, string]> = [];
  for (const a of plainAttributes(el)) {
    const aNs = a.namespaceURI ?? null;
    const aLocal = a.localName ?? a.name;
    if (aNs === null) {
      attrs.push([null, aLocal, a.value]);
      continue;
    }
    const diffPrefix = a.prefix ?? '';
    let p = choosePrefix(aNs, diffPrefix, inner, { prefix, ns }, true);
    if (p === undefined) {
      p = diffPrefix !== '' && !inner.has(diffPrefix) ? diffPrefix : freshPrefix(inner, diffPrefix);
      declare(p, aNs);
    }
    attrs.push([aNs, `${p}:${aLocal}`, a.value]);
  }
  for (const [p, uri] of own) declareNamespace(out, p, uri);
  for (const [p, uri] of added) declareNamespace(out, p, uri);
  for (const [aNs, qname, value] of attrs) out.setAttributeNS(aNs, qname, value);
  for (const c of childNodes(el)) out.appendChild(importContent(doc, c, inner, { prefix, ns }));
  return out;
}

/** The value carried by an attribute or namespace operation: text only (RFC 5261 §4.3, §4.4). */
function textValue(content: readonly Node[]): string {
  let value = '';
  for (const c of content) {
    if (c.nodeType === TEXT_NODE) value += (c as CharacterData).data;
    else if (c.nodeType === CDATA_SECTION_NODE) fail('invalid-attribute-value', 'a CDATA section cannot be an attribute or namespace value (RFC 5261 §5.1)');
    else fail('invalid-node-types', 'an attribute or namespace value must be text');
  }
  return value;
}

function addAttribute(target: Element, op: Element, qname: string, value: string): void {
  const colon = qname.indexOf(':');
  const diffPrefix = colon < 0 ? '' : qname.slice(0, colon);
  const local = colon < 0 ? qname : qname.slice(colon + 1);
  if (qname === 'xmlns' || diffPrefix === 'xmlns') fail('invalid-attribute-value', 'namespace declarations are added with type="namespace::prefix" (RFC 5261 §4.3.3)');
  let ns: string | null = null;
  if (diffPrefix !== '') {
    // §4.3.2: the prefix is resolved in the diff document; the default namespace never applies to attributes.
    ns = inScopeNamespaces(op).get(diffPrefix) ?? null;
    if (ns === null || ns === '') return fail('invalid-namespace-prefix', `prefix "${diffPrefix}" of type="@${qname}" is not declared in the diff document`);
  }
  if (target.getAttributeNodeNS(ns, local) !== null) fail('invalid-attribute-value', `the element already has attribute ${qname}`);
  if (ns === null) {
    target.setAttributeNS(null, local, value);
    return;
  }
  const scope = inScopeNamespaces(target);
  let prefix = choosePrefix(ns, diffPrefix, scope, { prefix: target.prefix ?? '', ns: target.namespaceURI }, true);
  if (prefix === undefined) {
    prefix = freshPrefix(scope, diffPrefix);
    declareNamespace(target, prefix, ns);
  }
  target.setAttributeNS(ns, `${prefix}:${local}`, value);
}

function addNamespace(target: Element, prefix: string, uri: string): void {
  if (/^xml/i.test(prefix)) fail('invalid-namespace-prefix', `prefix "${prefix}" is reserved (Namespaces in XML §3)`);
  if (!validNamespaceUri(uri)) fail('invalid-namespace-uri', `"${uri}" is not a namespace URI`);
  if (ownDeclarations(target).has(prefix)) fail('invalid-namespace-prefix', `the element already declares prefix "${prefix}"`);
  const before = inScopeNamespaces(target).get(prefix);
  declareNamespace(target, prefix, uri);
  if (before !== undefined && before !== uri) rebindPrefix(target, prefix, uri);
}

// ---------------------------------------------------------------------------------------
// <replace>, RFC 5261 §4.4

function replace(doc: Document, op: Element, sel: string, options: OperationOptions): void {
  const target = locate(doc, op, sel, false, options);
  const content = childNodes(op);
  // §4.4: an element, comment or processing instruction is replaced by one node of the same type
  // (white space around it in the <replace> element is layout, not content).
  const single = (type: number, what: string): Node => {
    const significant = content.filter((c) => !(c.nodeType === TEXT_NODE && isXmlWhitespace((c as CharacterData).data)));
    const only = significant[0];
    if (significant.length !== 1 || only === undefined || only.nodeType !== type) {
      return fail('invalid-node-types', `the selector located ${what}; the <replace> element must contain exactly one ${what}`);
    }
    return only;
  };
  switch (target.kind) {
    case 'element': {
      const replacement = single(ELEMENT_NODE, 'an element');
      const parent = target.node.parentNode as Element | Document;
      // §4.2.3: with modifications of elements, the evaluation context node is the parent element.
      const scope = isElement(parent) ? inScopeNamespaces(parent) : inScopeNamespaces(null);
      const context = isElement(parent) ? { prefix: parent.prefix ?? '', ns: parent.namespaceURI } : null;
      parent.replaceChild(importContent(doc, replacement, scope, context), target.node);
      return;
    }
    case 'comment':
      target.node.data = (single(COMMENT_NODE, 'a comment') as CharacterData).data;
      return;
    case 'pi': {
      const pi = single(PROCESSING_INSTRUCTION_NODE, 'a processing instruction');
      target.node.parentNode?.replaceChild(importContent(doc, pi, new Map(), null), target.node);
      return;
    }
    case 'attribute':
      // §4.4.2: an empty <replace> leaves the attribute with an empty value.
      target.owner.setAttributeNS(target.attr.namespaceURI, target.attr.name, textValue(content));
      return;
    case 'namespace': {
      // §4.4.3: the declaration must be on the located element itself.
      if (!ownDeclarations(target.owner).has(target.prefix)) fail('invalid-namespace-uri', `prefix "${target.prefix}" is in scope but not declared on the located element`);
      const uri = textValue(content);
      if (!validNamespaceUri(uri)) fail('invalid-namespace-uri', `"${uri}" is not a namespace URI`);
      declareNamespace(target.owner, target.prefix, uri);
      rebindPrefix(target.owner, target.prefix, uri);
      return;
    }
    case 'text': {
      for (const c of content) if (!isTextLike(c)) fail('invalid-node-types', 'the selector located a text node; the <replace> element must contain text');
      const parent = target.parent;
      const ref = (target.run[target.run.length - 1] as Node).nextSibling;
      for (const t of target.run) parent.removeChild(t);
      // §4.4.6: an empty <replace> removes the text node.
      for (const c of content) parent.insertBefore(importContent(doc, c, new Map(), null), ref);
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------
// <remove>, RFC 5261 §4.5

function remove(doc: Document, op: Element, sel: string, options: OperationOptions): void {
  const ws = op.getAttribute('ws');
  if (ws !== null && ws !== 'before' && ws !== 'after' && ws !== 'both') fail('invalid-attribute-value', `ws="${ws}" is not before, after or both (RFC 5261 §4.5)`);
  const target = locate(doc, op, sel, false, options);
  // §4.5: 'ws' is only allowed when removing other types than text, attribute and namespace nodes.
  if (ws !== null && (target.kind === 'text' || target.kind === 'attribute' || target.kind === 'namespace')) {
    fail('invalid-patch-directive', `'ws' cannot be used when removing a ${target.kind} node (RFC 5261 §4.5)`);
  }
  switch (target.kind) {
    case 'attribute':
      target.owner.removeAttributeNode(target.attr);
      return;
    case 'namespace': {
      // §4.5.3: the declaration must be on the located element, and the prefix unused.
      if (!ownDeclarations(target.owner).has(target.prefix)) fail('invalid-namespace-uri', `prefix "${target.prefix}" is in scope but not declared on the located element`);
      if (prefixInUse(target.owner, target.prefix)) fail('invalid-namespace-prefix', `prefix "${target.prefix}" is still used by the located element or its descendants`);
      const decl = attributesOf(target.owner).find((a) => isNamespaceDeclaration(a) && declaredPrefix(a) === target.prefix);
      if (decl !== undefined) target.owner.removeAttributeNode(decl);
      return;
    }
    case 'text':
      for (const t of target.run) target.parent.removeChild(t);
      return;
    case 'element':
      // §3: the root element cannot be removed.
      if (target.node === doc.documentElement) fail('invalid-root-element-operation', 'the document root element cannot be removed (RFC 5261 §3)');
      removeWithWhitespace(target.node, ws);
      return;
    case 'comment':
    case 'pi':
      removeWithWhitespace(target.node, ws);
      return;
  }
}

/**
 * RFC 5261 §4.5: 'ws' also removes the white space text node immediately before and/or
 * after; without it, the text nodes on either side are combined (§4.5.6).
 */
function removeWithWhitespace(node: Node, ws: string | null): void {
  const parent = node.parentNode as Node;
  const prev = isTextLike(node.previousSibling) ? runAround(node.previousSibling) : undefined;
  const next = isTextLike(node.nextSibling) ? runAround(node.nextSibling) : undefined;
  const before = ws === 'before' || ws === 'both';
  const after = ws === 'after' || ws === 'both';
  if (before && (prev === undefined || !isXmlWhitespace(runText(prev)))) fail('invalid-whitespace-directive', 'there is no white space text node immediately before the located node');
  if (after && (next === undefined || !isXmlWhitespace(runText(next)))) fail('invalid-whitespace-directive', 'there is no white space text node immediately after the located node');
  parent.removeChild(node);
  if (before) for (const t of prev ?? []) parent.removeChild(t);
  if (after) for (const t of next ?? []) parent.removeChild(t);
  if (!before && !after && next !== undefined && next[0] !== undefined) joinText(next[0]);
}
