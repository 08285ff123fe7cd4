import { DOMImplementation, type Attr, type CharacterData, type Document, type Element, type Node, type ProcessingInstruction } from '@xmldom/xmldom';
import { applyOperation, type OperationOptions } from './apply-operation.js';
import { canonicalXml } from './canonical-xml.js';
import {
  XML_NS,
  childNodes,
  isComment,
  isElement,
  isPi,
  isTextLike,
  isXmlDeclaration,
  isXmlWhitespace,
  ownDeclarations,
  plainAttributes,
  runText,
  textRuns,
} from './dom-nodes.js';
import { declareNamespace, prefixInUse, validNamespaceUri } from './namespace-scope.js';

export interface GeneratePatchOptions {
  /** Local name of the diff document's root element; default `diff` (RFC 5261 Appendix A). */
  readonly rootName?: string;
  /**
   * Namespace of the root and operation elements (e.g. `urn:ietf:params:xml:ns:pidf-diff`,
   * RFC 5262); default none. The elements are then prefixed with `prefix` (default `p`), so
   * that unprefixed names in selectors keep meaning "no namespace" (RFC 5261 §4.2.1).
   */
  readonly namespace?: string;
  readonly prefix?: string;
}

/**
 * An XML diff document (RFC 5261) that turns `oldDoc` into `newDoc`: its root element, whose
 * children are `<add>`, `<replace>` and `<remove>` operations. Applying it to `oldDoc` gives
 * a document canonically equal to `newDoc` (canonicalXml: C14N with comments, white space
 * significant).
 *
 * Strategy (not minimal, but local; RFC 5261 §6 leaves the algorithm to the application):
 * - The root element is reconciled in place when its name and default namespace declaration
 *   are unchanged, else replaced. Comments and processing instructions around it are removed and
 *   re-added when they differ.
 * - Reconciling an element: attributes by remove / replace / add (type="@name"); then its
 *   children. Child lists (text runs, elements, comments, processing instructions) are aligned
 *   with a longest common subsequence of canonically equal nodes; the first unaligned gap is
 *   fixed with one operation - recurse into a same-named element, replace a text, comment or
 *   processing instruction, remove a node (with ws="after" when white space follows it in the
 *   gap), insert nodes before/after an aligned neighbour, or replace a renamed element - and
 *   the alignment is recomputed, until the children are equal. Changed prefixed namespace
 *   declarations become namespace operations first; an element whose default namespace
 *   declaration changed (no selector can address it) is replaced as a whole.
 * - Every operation is applied to a working copy as it is emitted, so selectors (named steps
 *   with [n] only where same-named siblings make them ambiguous, text()[n], comment()[n],
 *   processing-instruction('t')[n], @name) always address the document the operation will
 *   see (RFC 5261 §7). Namespace prefixes used in a selector are declared on its operation.
 * - Safety net: if an element needs more steps than its child counts justify it is replaced
 *   whole; if the final copy does not equal `newDoc` (or an emitted operation failed) the
 *   patch falls back to replacing the root element.
 * Throws only when a document has no root element.
 */
export function generatePatch(oldDoc: Document, newDoc: Document, options: GeneratePatchOptions = {}): Element {
  try {
    const first = new Generator(oldDoc, newDoc, options);
    if (first.run(false)) return first.root;
  } catch (e) {
    if (e instanceof NoRootError) throw e;
  }
  const fallback = new Generator(oldDoc, newDoc, options);
  fallback.run(true);
  return fallback.root;
}

class NoRootError extends Error {}

type Item =
  | { readonly kind: 'element'; readonly node: Element }
  | { readonly kind: 'text'; readonly run: readonly CharacterData[]; readonly text: string }
  | { readonly kind: 'comment'; readonly node: CharacterData }
  | { readonly kind: 'pi'; readonly node: ProcessingInstruction };

const APPLY: OperationOptions = { idFunction: false, xmlId: false, idAttributes: [], operationNamespace: undefined };

/** Prefixes a single operation's selector uses, declared on that operation. */
class Prefixes {
  private readonly byNs = new Map<string, string>();
  private readonly used = new Set<string>(['xml', 'xmlns']);
  constructor(reserved: string | undefined) {
    if (reserved !== undefined) this.used.add(reserved);
  }
  for(ns: string, preferred: string | null): string {
    if (ns === XML_NS) return 'xml';
    const known = this.byNs.get(ns);
    if (known !== undefined) return known;
    let p = preferred ?? '';
    if (p === '' || this.used.has(p) || /^xml/i.test(p)) for (let i = 1; this.used.has((p = `n${i}`)); i++);
    this.byNs.set(ns, p);
    this.used.add(p);
    return p;
  }
  declareOn(op: Element): void {
    for (const [ns, p] of this.byNs) declareNamespace(op, p, ns);
  }
}

class Generator {
  readonly root: Element;
  private readonly diff: Document;
  private readonly work: Document;
  private readonly opNs: string | null;
  private readonly opPrefix: string | undefined;
  private readonly newKeys = new WeakMap<Node, string>();

  constructor(
    oldDoc: Document,
    private readonly newDoc: Document,
    options: GeneratePatchOptions,
  ) {
    this.opNs = options.namespace ?? null;
    this.opPrefix = this.opNs === null ? undefined : (options.prefix ?? 'p');
    const rootName = options.rootName ?? 'diff';
    this.diff = new DOMImplementation().createDocument(this.opNs, this.qualify(rootName), null);
    this.root = this.diff.documentElement as Element;
    this.work = oldDoc.cloneNode(true) as Document;
  }

  /** Builds the operations; true when the working copy ends equal to the new document. */
  run(replaceRoot: boolean): boolean {
    const oldRoot = this.work.documentElement;
    const newRoot = this.newDoc.documentElement;
    if (oldRoot === null || newRoot === null) throw new NoRootError('generatePatch: both documents need a root element');
    if (replaceRoot) this.replaceElement(oldRoot, newRoot);
    else this.reconcile(oldRoot, newRoot);
    this.prolog();
    if (this.root.lastChild !== null) this.root.appendChild(this.diff.createTextNode('\n'));
    return canonicalXml(this.work) === canonicalXml(this.newDoc);
  }

  private qualify(local: string): string {
    return this.opPrefix === undefined ? local : `${this.opPrefix}:${local}`;
  }

  // -- emitting ------------------------------------------------------------------------

  private emit(kind: 'add' | 'replace' | 'remove', prefixes: Prefixes, sel: string, attrs: Record<string, string>, content: readonly Node[]): void {
    const op = this.diff.createElementNS(this.opNs, this.qualify(kind));
    prefixes.declareOn(op);
    op.setAttribute('sel', sel);
    for (const [k, v] of Object.entries(attrs)) op.setAttribute(k, v);
    for (const c of content) op.appendChild(c);
    this.root.appendChild(this.diff.createTextNode('\n  '));
    this.root.appendChild(op);
    const error = applyOperation(this.work, op, APPLY);
    if (error !== undefined) throw new Error(`generatePatch: generated operation failed (${error.code}: ${error.message})`);
  }

  private copy(item: Item): Node {
    switch (item.kind) {
      case 'text':
        return this.diff.createTextNode(item.text);
      case 'element':
        return this.copyElement(item.node);
      case 'comment':
      case 'pi':
        return this.diff.importNode(item.node, true);
    }
  }

  /**
   * An element for an operation's content. An unprefixed element in a namespace gets an
   * explicit default declaration: XMLSerializer would otherwise write it with whatever prefix
   * is visible for that namespace (such as a selector's), and RFC 5261 §4.2.3 rule 1 would
   * then see a different prefix. The declaration is superfluous in the patched document,
   * which C14N (and canonicalXml) ignores.
   */
  private copyElement(n: Element): Element {
    const copy = this.diff.importNode(n, true);
    if ((n.prefix ?? '') === '' && n.namespaceURI !== null && !ownDeclarations(n).has('')) declareNamespace(copy, '', n.namespaceURI);
    return copy;
  }

  private replaceElement(w: Element, n: Element): void {
    const p = new Prefixes(this.opPrefix);
    this.emit('replace', p, this.elementPath(w, p), {}, [this.copyElement(n)]);
  }

  // -- selectors (RFC 5261 §4.1, §7) ----------------------------------------------------

  private qname(n: Element | Attr, p: Prefixes): string {
    const local = n.localName ?? n.nodeName;
    return n.namespaceURI === null || n.namespaceURI === '' ? local : `${p.for(n.namespaceURI, n.prefix)}:${local}`;
  }

  private elementPath(e: Element, p: Prefixes): string {
    const chain: Element[] = [];
    for (let n: Node | null = e; n !== null && isElement(n); n = n.parentNode) chain.unshift(n);
    return chain
      .map((el) => {
        const same = childNodes(el.parentNode as Node).filter((c): c is Element => isElement(c) && c.localName === el.localName && c.namespaceURI === el.namespaceURI);
        return same.length > 1 ? `${this.qname(el, p)}[${same.indexOf(el) + 1}]` : this.qname(el, p);
      })
      .join('/');
  }

  private itemPath(item: Item, p: Prefixes): string {
    if (item.kind === 'element') return this.elementPath(item.node, p);
    const first = item.kind === 'text' ? (item.run[0] as Node) : item.node;
    const parent = first.parentNode as Node;
    const base = isElement(parent) ? `${this.elementPath(parent, p)}/` : '';
    if (item.kind === 'text') return `${base}text()[${textRuns(parent).findIndex((r) => r[0] === first) + 1}]`;
    if (item.kind === 'comment') return `${base}comment()[${childNodes(parent).filter(isComment).indexOf(item.node) + 1}]`;
    const target = item.node.target;
    const same = childNodes(parent).filter((c) => isPi(c) && !isXmlDeclaration(c) && c.target === target);
    return `${base}processing-instruction('${target}')[${same.indexOf(item.node) + 1}]`;
  }

  // -- comparing -------------------------------------------------------------------------

  private items(parent: Node): Item[] {
    const out: Item[] = [];
    let run: CharacterData[] | undefined;
    for (const c of childNodes(parent)) {
      if (isTextLike(c)) {
        if (run === undefined) run = [];
        run.push(c);
        continue;
      }
      if (run !== undefined) out.push({ kind: 'text', run, text: runText(run) });
      run = undefined;
      if (isElement(c)) out.push({ kind: 'element', node: c });
      else if (isComment(c)) out.push({ kind: 'comment', node: c });
      else if (isPi(c) && !isXmlDeclaration(c)) out.push({ kind: 'pi', node: c });
    }
    if (run !== undefined) out.push({ kind: 'text', run, text: runText(run) });
    return out;
  }

  private key(item: Item, fromNew: boolean): string {
    switch (item.kind) {
      case 'text':
        return `t${item.text}`;
      case 'comment':
        return `c${item.node.data}`;
      case 'pi':
        return `p${item.node.target} ${item.node.data}`;
      case 'element': {
        const cached = fromNew ? this.newKeys.get(item.node) : undefined;
        if (cached !== undefined) return cached;
        const k = `e${canonicalXml(item.node)}`;
        if (fromNew) this.newKeys.set(item.node, k);
        return k;
      }
    }
  }

  // -- reconciling -----------------------------------------------------------------------

  private reconcile(w: Element, n: Element): void {
    if (canonicalXml(w) === canonicalXml(n)) return;
    if (!sameName(w, n) || !this.declarations(w, n)) {
      this.replaceElement(w, n);
      return;
    }
    this.attributes(w, n);
    this.children(w, n);
  }

  /**
   * Prefixed namespace declarations by add type="namespace::p" / replace / remove
   * (RFC 5261 §4.3.3, §4.4.3, §4.5.3), before anything below them is compared. False (the
   * caller replaces the element) when that cannot be done: the default namespace changed
   * (no selector addresses it), a removed prefix is still used, a prefix of the element's or
   * its attributes' own names is rebound, or a URI is not one the patch can carry.
   */
  private declarations(w: Element, n: Element): boolean {
    const x = ownDeclarations(w);
    const y = ownDeclarations(n);
    if ((x.get('') ?? null) !== (y.get('') ?? null)) return false;
    const changed = [...new Set([...x.keys(), ...y.keys()])].filter((p) => x.get(p) !== y.get(p));
    if (changed.length === 0) return true;
    const ownPrefixes = [w.prefix ?? '', ...plainAttributes(w).map((a) => a.prefix ?? '')];
    for (const p of changed) {
      const uri = y.get(p);
      if (ownPrefixes.includes(p) || /^xml/i.test(p) || (uri !== undefined && !validNamespaceUri(uri))) return false;
      if (uri === undefined && prefixInUse(w, p)) return false;
    }
    for (const p of changed) {
      const uri = y.get(p);
      const prefixes = new Prefixes(this.opPrefix);
      const path = this.elementPath(w, prefixes);
      if (uri === undefined) this.emit('remove', prefixes, `${path}/namespace::${p}`, {}, []);
      else if (x.has(p)) this.emit('replace', prefixes, `${path}/namespace::${p}`, {}, [this.diff.createTextNode(uri)]);
      else this.emit('add', prefixes, path, { type: `namespace::${p}` }, [this.diff.createTextNode(uri)]);
    }
    return true;
  }

  private attributes(w: Element, n: Element): void {
    for (const a of plainAttributes(w)) {
      if (n.getAttributeNodeNS(a.namespaceURI, a.localName ?? a.name) !== null) continue;
      const p = new Prefixes(this.opPrefix);
      const name = this.qname(a, p);
      this.emit('remove', p, `${this.elementPath(w, p)}/@${name}`, {}, []);
    }
    for (const a of plainAttributes(n)) {
      const old = w.getAttributeNodeNS(a.namespaceURI, a.localName ?? a.name);
      if (old !== null && old.value === a.value) continue;
      const p = new Prefixes(this.opPrefix);
      const name = this.qname(a, p); // first, so the attribute keeps its own prefix (RFC 5261 §4.2.3 rule 1)
      const value = a.value === '' ? [] : [this.diff.createTextNode(a.value)];
      if (old !== null) this.emit('replace', p, `${this.elementPath(w, p)}/@${name}`, {}, value);
      else this.emit('add', p, this.elementPath(w, p), { type: `@${name}` }, value);
    }
  }

  private children(w: Element, n: Element): void {
    const newItems = this.items(n);
    const newKeys = newItems.map((i) => this.key(i, true));
    const cap = 2 * (this.items(w).length + newItems.length) + 8;
    for (let iteration = 0; ; iteration++) {
      const wi = this.items(w);
      const wk = wi.map((i) => this.key(i, false));
      if (wk.length === newKeys.length && wk.every((k, i) => k === newKeys[i])) return;
      if (iteration > cap) {
        this.replaceElement(w, n);
        return;
      }
      const anchors = alignment(wk, newKeys);
      let a = 0;
      let c = 0;
      let k = 0;
      while (k < anchors.length && anchors[k]?.[0] === a && anchors[k]?.[1] === c) {
        a++;
        c++;
        k++;
      }
      const next = anchors[k];
      const oldGap = wi.slice(a, next === undefined ? wi.length : next[0]);
      const newGap = newItems.slice(c, next === undefined ? newItems.length : next[1]);
      this.fixGap(w, wi, a, oldGap, newGap);
    }
  }

  /** One operation towards closing the first unaligned gap (see generatePatch). */
  private fixGap(w: Element, wi: readonly Item[], a: number, oldGap: readonly Item[], newGap: readonly Item[]): void {
    const o = oldGap[0];
    const nn = newGap[0];
    if (o !== undefined && nn !== undefined) {
      if (o.kind === 'element' && nn.kind === 'element') {
        if (sameName(o.node, nn.node)) return this.reconcile(o.node, nn.node);
        if (oldGap.slice(1).some((x) => similar(x, nn))) return this.removeItem(o, oldGap[1]);
        if (newGap.slice(1).some((x) => similar(x, o))) return this.insert(o, 'before', [nn]);
        return this.replaceElement(o.node, nn.node);
      }
      if (o.kind === 'text' && nn.kind === 'text') {
        // Text, then a node to go, then text: removing that node joins the two texts (§4.5.6),
        // so do it first and replace the joined text once.
        const between = oldGap[1];
        if (between !== undefined && oldGap[2]?.kind === 'text' && !newGap.some((x) => similar(x, between))) return this.removeItem(between, undefined);
      }
      if (o.kind === nn.kind) return this.replaceItem(o, nn);
      if (oldGap.slice(1).some((x) => similar(x, nn))) return this.removeItem(o, oldGap[1]);
      return this.insert(o, 'before', [nn]);
    }
    if (o !== undefined) return this.removeItem(o, oldGap[1]);
    // Only new nodes: insert them all at once, so that no text node lands next to another.
    const at = wi[a];
    const before = wi[a - 1];
    if (at !== undefined) return this.insert(at, 'before', newGap);
    if (before !== undefined) return this.insert(before, 'after', newGap);
    const p = new Prefixes(this.opPrefix);
    this.emit('add', p, this.elementPath(w, p), {}, newGap.map((i) => this.copy(i)));
  }

  private insert(at: Item, pos: 'before' | 'after', items: readonly Item[]): void {
    const p = new Prefixes(this.opPrefix);
    this.emit('add', p, this.itemPath(at, p), { pos }, items.map((i) => this.copy(i)));
  }

  private removeItem(item: Item, following: Item | undefined): void {
    const p = new Prefixes(this.opPrefix);
    // RFC 5261 §4.5: ws="after" also removes the white space that follows (when it goes too).
    const ws: Record<string, string> = item.kind !== 'text' && following?.kind === 'text' && isXmlWhitespace(following.text) ? { ws: 'after' } : {};
    this.emit('remove', p, this.itemPath(item, p), ws, []);
  }

  private replaceItem(o: Item, nn: Item): void {
    const p = new Prefixes(this.opPrefix);
    this.emit('replace', p, this.itemPath(o, p), {}, [this.copy(nn)]);
  }

  /** Comments and processing instructions before and after the root element (RFC 5261 §3). */
  private prolog(): void {
    const split = (doc: Document): [Item[], Item[]] => {
      const before: Item[] = [];
      const after: Item[] = [];
      let seenRoot = false;
      for (const i of this.items(doc)) {
        if (i.kind === 'element') seenRoot = true;
        else if (i.kind !== 'text') (seenRoot ? after : before).push(i);
      }
      return [before, after];
    };
    const [oldBefore, oldAfter] = split(this.work);
    const [newBefore, newAfter] = split(this.newDoc);
    const same = (x: Item[], y: Item[]): boolean => x.length === y.length && x.every((i, k) => this.key(i, false) === this.key(y[k] as Item, false));
    for (const [olds, news, pos] of [
      [oldBefore, newBefore, 'before'],
      [oldAfter, newAfter, 'after'],
    ] as const) {
      if (same(olds, news)) continue;
      for (const o of olds) this.removeItem(o, undefined);
      const root = this.work.documentElement as Element;
      if (news.length > 0) this.insert({ kind: 'element', node: root }, pos, news);
    }
  }
}

const sameName = (a: Element, b: Element): boolean => a.localName === b.localName && a.namespaceURI === b.namespaceURI && (a.prefix ?? '') === (b.prefix ?? '');

const similar = (x: Item, y: Item): boolean => x.kind === y.kind && (x.kind !== 'element' || (y.kind === 'element' && sameName(x.node, y.node)));

/**
 * Pairs of indexes of a longest common subsequence of two key lists (common prefix and
 * suffix first; a dynamic-programming table for the middle when it is not too large).
 */
function alignment(a: readonly string[], b: readonly string[]): Array<[number, number]> {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < start; i++) pairs.push([i, i]);
  const m = endA - start;
  const n = endB - start;
  if (m > 0 && n > 0 && m * n <= 1_000_000) {
    const table = Array.from({ length: m + 1 }, () => new Uint32Array(n + 1));
    for (let i = m - 1; i >= 0; i--) {
      const row = table[i] as Uint32Array;
      const below = table[i + 1] as Uint32Array;
      for (let j = n - 1; j >= 0; j--) {
        row[j] = a[start + i] === b[start + j] ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, row[j + 1] as number);
      }
    }
    let i = 0;
    let j = 0;
    while (i < m && j < n) {
      if (a[start + i] === b[start + j]) {
        pairs.push([start + i, start + j]);
        i++;
        j++;
      } else if (((table[i + 1] as Uint32Array)[j] as number) >= ((table[i] as Uint32Array)[j + 1] as number)) i++;
      else j++;
    }
  }
  for (let k = 0; k < a.length - endA; k++) pairs.push([endA + k, endB + k]);
  return pairs;
}
