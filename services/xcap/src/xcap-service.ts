import { escapeXmlAttr, parseXml, type Document, type Element } from '@simple/xml';
import { checkPreconditions } from './conditional.js';
import { documentKey } from '@simple/xcap-grpc';
import { ParsedDocumentCache } from './parsed-document-cache.js';
import { WriteQueue } from './write-queue.js';
import type { DocumentRef, DocumentStore } from './document-store.js';
import {
  CannotDeleteError,
  CannotInsertError,
  NoParentError,
  NotUtf8Error,
  NotWellFormedError,
  NotXmlAttValueError,
  SchemaValidationError,
  XcapError,
  xcapErrorDocument,
  XcapHttpError,
} from './errors/xcap-error.js';
import { insertElement } from './node-selector/insert-element.js';
import { parseElementFragment } from './parse-fragment.js';
import { readDocument } from './read-document.js';
import type { ApplicationUsage } from './usages/application-usage.js';
import type { UsageRegistry } from './usages/usage-registry.js';
import {
  applyStep,
  childElements,
  documentSelectorOf,
  encodeXcapSegment,
  evaluateNodeSelector,
  evaluateSteps,
  inScopeNamespaces,
  parseAttValue,
  serializeDocument,
  serializeNode,
  type DocumentSelector,
  type NamespaceContext,
  type NodeSelector,
  type Step,
  type XcapTree,
  type XcapUri,
} from '@simple/xcap-uri';

export const XCAP_EL_TYPE = 'application/xcap-el+xml';
export const XCAP_ATT_TYPE = 'application/xcap-att+xml';
export const XCAP_NS_TYPE = 'application/xcap-ns+xml';
export const XCAP_DIRECTORY_TYPE = 'application/vnd.oma.xcap-directory+xml';
export const XCAP_DIRECTORY_NS = 'urn:oma:xml:xdm:xcap-directory';

/** An XCAP request, once the URI is parsed and the client authorized. */
export interface XcapRequest {
  readonly method: 'GET' | 'PUT' | 'DELETE';
  readonly uri: XcapUri;
  readonly body: Buffer | undefined;
  readonly contentType: string | undefined;
  readonly ifMatch: string | undefined;
  readonly ifNoneMatch: string | undefined;
  /** `http://host/xcap-root`: the base of URIs the server writes (no-parent ancestors, directory entries). */
  readonly base: string;
}

export interface XcapResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface XcapServiceOptions {
  readonly store: DocumentStore;
  readonly usages: UsageRegistry;
  /** Largest request body (bytes). */
  readonly maxBytes: number;
  /** Parsed documents kept by ETag (0: none). */
  readonly parsedCacheEntries: number;
  /** The text (characters) of all parsed documents kept together. */
  readonly parsedCacheChars?: number;
}

/** How often a write is recomputed when another writer changed the document in between (then 503). */
const MAX_ATTEMPTS = 64;

const ALLOW_READ_ONLY = { allow: 'GET' };

/**
 * RFC 4825 §8 server behaviour: GET, PUT and DELETE of documents, elements and
 * attributes. Every write reads the document, computes the new one, validates it
 * (§8.2.5) and stores it with a compare-and-set on the ETag it read (§8.5), retrying
 * from the start when another writer came first.
 */
export class XcapService {
  private readonly parsed: ParsedDocumentCache;
  private readonly writes = new WriteQueue();

  constructor(private readonly o: XcapServiceOptions) {
    this.parsed = new ParsedDocumentCache(o.parsedCacheEntries, o.parsedCacheChars);
  }

  async handle(req: XcapRequest): Promise<XcapResponse> {
    try {
      if (req.uri.kind === 'directory') return await this.directory(req.uri.auid, req.uri.tree, req);
      // OMA XDM's name for the listing of every document of a user: xcap-directory/users/<xui>/directory.xml.
      if (req.uri.document.auid === 'xcap-directory' && req.uri.document.path === 'directory.xml' && req.uri.nodeSelector === undefined) {
        return await this.directory('xcap-directory', req.uri.document.tree, req);
      }
      const usage = this.o.usages.get(req.uri.document.auid);
      if (usage === undefined) throw new XcapHttpError(404, 'unknown application usage');
      if (req.method === 'GET') return await this.get(usage, req.uri, req);
      if (!usage.userWritable || req.uri.document.tree.kind === 'global') {
        // RFC 4825 §12: the capabilities document is the server's; global documents are not written by clients.
        throw new XcapHttpError(405, 'read-only resource', ALLOW_READ_ONLY);
      }
      // §8.4: "If the request URI contained a namespace-selector, the server MUST reject the request with a 405 ... including the GET method."
      if (req.uri.nodeSelector?.terminal?.kind === 'namespace') throw new XcapHttpError(405, 'namespace bindings are read-only', ALLOW_READ_ONLY);
      const uri = req.uri;
      const queued = this.writes.run(documentKey(uri.document.auid, refOf(uri.document).xui, uri.document.path), async () => {
        for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
          const r = req.method === 'PUT' ? await this.put(usage, uri, req) : await this.delete(usage, uri, req);
          if (r !== 'conflict') return r;
          // A writer on another replica came first: recompute after a short jittered pause, so that writers spread out.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 + attempt, 20)));
        }
        throw new XcapHttpError(503, 'the document kept changing under the request', { 'retry-after': '1' });
      });
      if (queued === undefined) throw new XcapHttpError(503, 'too many writes to this document are waiting', { 'retry-after': '1' });
      return await queued;
    } catch (e) {
      if (e instanceof XcapError) return { status: 409, headers: { 'content-type': 'application/xcap-error+xml' }, body: xcapErrorDocument(e) };
      if (e instanceof XcapHttpError) return { status: e.status, headers: e.headers };
      throw e;
    }
  }

  // §8.3 GET handling.
  private async get(usage: ApplicationUsage, uri: Extract<XcapUri, { kind: 'document' }>, req: XcapRequest): Promise<XcapResponse> {
    const ref = refOf(uri.document);
    const selector = uri.nodeSelector;
    if (selector !== undefined && ref.xui !== undefined) {
      // An element or attribute of a version whose parse is held: its ETag is all that is read.
      const etag = await this.o.store.etag(ref);
      const held = etag === undefined ? undefined : this.parsed.peek(ref, etag);
      if (etag !== undefined && held !== undefined) return this.select(usage, selector, uri.bindings, req, etag, held);
    }
    const current = await readDocument(this.o.store, usage, ref);
    // §8.3: "returns the document specified by the URI if it exists, else returns a 404 response".
    if (current === undefined) throw new XcapHttpError(404, 'no such document');
    if (selector === undefined) {
      checkPreconditions('GET', req, current.etag);
      return { status: 200, headers: { etag: `"${current.etag}"`, 'content-type': usage.mimeType }, body: current.body };
    }
    return this.select(usage, selector, uri.bindings, req, current.etag, this.parsed.shared(ref, current.etag, current.body, parseStored));
  }

  /** §8.3 for a node selector, against the document at `etag`. */
  private select(usage: ApplicationUsage, selector: NodeSelector, bindings: ReadonlyMap<string, string>, req: XcapRequest, version: string, doc: Document): XcapResponse {
    checkPreconditions('GET', req, version);
    const etag = { etag: `"${version}"` };
    const sel = evaluateNodeSelector(doc, selector, nsContext(usage, bindings));
    // §8.3: "If no document is found, or if the node-selector is a no-match or invalid, the server returns a 404 response."
    if (!sel.ok) throw new XcapHttpError(404, `node selector: ${sel.error}`);
    const v = sel.value;
    if (v.kind === 'element') return { status: 200, headers: { ...etag, 'content-type': XCAP_EL_TYPE }, body: serializeNode(v.element) };
    // §8.3 / §8.2.2: the attribute value "formatted according to the grammar of AttValue".
    if (v.kind === 'attribute') return { status: 200, headers: { ...etag, 'content-type': XCAP_ATT_TYPE }, body: `"${escapeXmlAttr(v.attr.value)}"` };
    return { status: 200, headers: { ...etag, 'content-type': XCAP_NS_TYPE }, body: namespaceBindings(v.element) };
  }

  // §8.2 PUT handling.
  private async put(usage: ApplicationUsage, uri: Extract<XcapUri, { kind: 'document' }>, req: XcapRequest): Promise<XcapResponse | 'conflict'> {
    const ref = refOf(uri.document);
    const current = await this.o.store.get(ref);
    const body = req.body ?? Buffer.alloc(0);
    if (uri.nodeSelector === undefined) {
      checkPreconditions('PUT', req, current?.etag);
      // §8.2.2: "If the MIME type in the Content-Type header field of the request is not equal to the MIME type defined for the application usage, the server MUST reject the request with a 415."
      requireType(req.contentType, usage.mimeType);
      const parsed = parseXml(body, { maxBytes: this.o.maxBytes });
      if (!parsed.ok) {
        // §8.2.2: not well-formed → <not-well-formed>; "well-formed but not UTF-8 encoded" → <not-utf-8>.
        throw parsed.error.code === 'not-utf-8' ? new NotUtf8Error(parsed.error.message) : new NotWellFormedError(parsed.error.message);
      }
      const text = body.toString('utf8');
      await this.validate(usage, parsed.value, text, ref, uri.document.tree);
      return this.commit(usage, ref, uri.document.tree, current, parsed.value, text, current === undefined ? 201 : 200);
    }
    // §8.2.1: "If the document does not exist, the server MUST return a 409 response ... <no-parent>."
    if (current === undefined) throw new NoParentError(directoryUri(req.base, uri.document), 'the document does not exist');
    checkPreconditions('PUT', req, current.etag);
    const doc = this.parsed.take(ref, current.etag, current.body, parseStored);
    const ns = nsContext(usage, uri.bindings);
    const selector = uri.nodeSelector;
    const created = selector.terminal === undefined ? this.putElement(doc, selector, ns, body, req, uri) : this.putAttribute(doc, selector, ns, body, req, uri);
    const text = serializeDocument(doc);
    await this.validate(usage, doc, text, ref, uri.document.tree);
    return this.commit(usage, ref, uri.document.tree, current, doc, text, created ? 201 : 200);
  }

  /** §8.2.3 / §8.2.4 for an element; true when it was created. */
  private putElement(doc: Document, selector: NodeSelector, ns: NamespaceContext, body: Buffer, req: XcapRequest, uri: Extract<XcapUri, { kind: 'document' }>): boolean {
    // §8.2.2: "If the MIME type ... is not equal to "application/xcap-el+xml", the server MUST reject the request with a 415."
    requireType(req.contentType, XCAP_EL_TYPE);
    const steps = selector.steps;
    const target = steps[steps.length - 1] as Step;
    const parent = steps.length === 1 ? undefined : evaluateSteps(doc, steps.slice(0, -1), ns);
    if (parent !== undefined && !parent.ok) throw new NoParentError(this.ancestorUri(doc, steps.slice(0, -1), ns, req.base, uri), 'the parent element does not exist');
    const parentEl = parent === undefined ? (doc.documentElement as Element) : parent.value;
    const fragment = parseElementFragment(body, parentEl, this.o.maxBytes);
    if (!fragment.ok) throw fragment.error;
    const element = doc.importNode(fragment.value, true) as Element;
    let created: boolean;
    if (parent === undefined) {
      // The first step selects the root element: it can be replaced, never created beside it.
      const existing = applyStep(doc.documentElement === null ? [] : [doc.documentElement], target, ns);
      if (!existing.ok) throw new CannotInsertError('a document has one root element');
      doc.replaceChild(element, existing.value);
      created = false;
    } else {
      const existing = applyStep(childElements(parentEl), target, ns);
      if (existing.ok) {
        // §8.2.4: "the server replaces the target node with the content of the request body".
        parentEl.replaceChild(element, existing.value);
        created = false;
      } else {
        if (existing.error !== 'no-match' || !insertElement(parentEl, target, element, ns)) throw new CannotInsertError('the element cannot be inserted where the request URI points');
        created = true;
      }
    }
    // §8.2.3/§8.2.4: after the PUT the request URI must select the element just put, else <cannot-insert>.
    const check = evaluateNodeSelector(doc, selector, ns);
    if (!check.ok || check.value.kind !== 'element' || check.value.element !== element) throw new CannotInsertError('the request URI would not select the element put');
    return created;
  }

  /** §8.2.3 / §8.2.4 for an attribute; true when it was created. */
  private putAttribute(doc: Document, selector: NodeSelector, ns: NamespaceContext, body: Buffer, req: XcapRequest, uri: Extract<XcapUri, { kind: 'document' }>): boolean {
    // §8.2.2: "... not equal to "application/xcap-att+xml", the server MUST reject the request with a 415."
    requireType(req.contentType, XCAP_ATT_TYPE);
    const terminal = selector.terminal;
    if (terminal?.kind !== 'attribute') throw new XcapHttpError(405, 'not an attribute', ALLOW_READ_ONLY);
    const parent = evaluateSteps(doc, selector.steps, ns);
    if (!parent.ok) throw new NoParentError(this.ancestorUri(doc, selector.steps, ns, req.base, uri), 'the element of the attribute does not exist');
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      throw new NotUtf8Error('the attribute value is not UTF-8');
    }
    const value = parseAttValue(text.trim());
    // §8.2.2: "the content of the request body has to be a sequence of characters that comply with the grammar for AttValue".
    if (!value.ok) throw new NotXmlAttValueError(value.error);
    const el = parent.value;
    const { prefix, local } = terminal.name;
    let created: boolean;
    if (prefix === undefined) {
      created = !el.hasAttribute(local);
      el.setAttribute(local, value.value);
    } else {
      const nsUri = ns.bindings.get(prefix);
      if (nsUri === undefined) throw new XcapHttpError(404, 'unbound prefix');
      created = !el.hasAttributeNS(nsUri, local);
      const inScope = inScopeNamespaces(el);
      const docPrefix = [...inScope].find(([p, u]) => p !== '' && u === nsUri)?.[0];
      if (docPrefix === undefined) el.setAttribute(`xmlns:${prefix}`, nsUri);
      el.setAttributeNS(nsUri, `${docPrefix ?? prefix}:${local}`, value.value);
    }
    // §8.2.4: "after replacement of the attribute, the request URI no longer selects the attribute" → <cannot-insert>.
    const check = evaluateNodeSelector(doc, selector, ns);
    if (!check.ok || check.value.kind !== 'attribute' || check.value.element !== el) throw new CannotInsertError('the request URI would not select the attribute put');
    return created;
  }

  // §8.4 DELETE handling.
  private async delete(usage: ApplicationUsage, uri: Extract<XcapUri, { kind: 'document' }>, req: XcapRequest): Promise<XcapResponse | 'conflict'> {
    const ref = refOf(uri.document);
    const current = await this.o.store.get(ref);
    if (current === undefined) throw new XcapHttpError(404, 'no such document');
    checkPreconditions('DELETE', req, current.etag);
    if (uri.nodeSelector === undefined) {
      if (!(await this.o.store.delete(ref, current.etag))) return 'conflict';
      this.parsed.forget(ref);
      await usage.afterWrite?.(undefined, { ref, domain: domainOf(uri.document.tree), store: this.o.store, etag: undefined });
      return { status: 200, headers: {} };
    }
    const doc = this.parsed.take(ref, current.etag, current.body, parseStored);
    const ns = nsContext(usage, uri.bindings);
    const sel = evaluateNodeSelector(doc, uri.nodeSelector, ns);
    // §8.4: "if the node-selector is a no-match or invalid ... the server returns a 404 response".
    if (!sel.ok) throw new XcapHttpError(404, `node selector: ${sel.error}`);
    const v = sel.value;
    if (v.kind === 'element') {
      if (v.element === doc.documentElement) throw new CannotDeleteError('the root element cannot be deleted; delete the document');
      // §8.4: "this deletion does not include any white space around the element that was deleted".
      v.element.parentNode?.removeChild(v.element);
    } else if (v.kind === 'attribute') v.element.removeAttributeNode(v.attr);
    // §8.4: "It is possible that, after deletion, the request URI selects another element ... <cannot-delete>."
    if (evaluateNodeSelector(doc, uri.nodeSelector, ns).ok) throw new CannotDeleteError('the request URI would select another node after the deletion');
    const text = serializeDocument(doc);
    await this.validate(usage, doc, text, ref, uri.document.tree);
    return this.commit(usage, ref, uri.document.tree, current, doc, text, 200);
  }

  private async commit(
    usage: ApplicationUsage,
    ref: DocumentRef,
    tree: XcapTree,
    current: { readonly body: string; readonly etag: string } | undefined,
    doc: Document,
    text: string,
    status: 200 | 201,
  ): Promise<XcapResponse | 'conflict'> {
    const etag = await this.o.store.put(ref, text, current?.etag);
    if (etag === undefined) return 'conflict';
    // §8.2.7 resource interdependencies.
    await usage.afterWrite?.(doc, { ref, domain: domainOf(tree), store: this.o.store, etag });
    // The next reader of this version needs no parse; `doc` is not changed after this.
    this.parsed.remember(ref, etag, doc, text.length);
    // §8.5: "An XCAP server MUST include the Etag header field in all 200 or 201 responses to PUT, GET, and DELETE".
    return { status, headers: { etag: `"${etag}"` } };
  }

  /** §8.2.5: schema, then the usage's uniqueness and other constraints. */
  private async validate(usage: ApplicationUsage, doc: Document, text: string, ref: DocumentRef, tree: XcapTree): Promise<void> {
    const errors = this.o.usages.schemaErrors(usage.auid, text);
    if (errors.length > 0) throw new SchemaValidationError(errors[0]);
    const failure = await usage.checkConstraints(doc, { ref, domain: domainOf(tree), store: this.o.store });
    if (failure !== undefined) throw failure;
  }

  /** §11.2 <no-parent>: "the closest ancestor to the non-existent parent" as an HTTP URI. */
  private ancestorUri(doc: Document, steps: readonly Step[], ns: NamespaceContext, base: string, uri: Extract<XcapUri, { kind: 'document' }>): string {
    const docUri = `${base}/${uri.document.raw}`;
    for (let k = steps.length - 1; k >= 1; k--) {
      const prefix = steps.slice(0, k);
      if (evaluateSteps(doc, prefix, ns).ok) return `${docUri}/~~/${prefix.map((s) => encodeStep(s.source)).join('/')}`;
    }
    return docUri;
  }

  /** A directory listing in the OMA xcap-directory format: the documents of one tree (one AUID, or every AUID for xcap-directory). */
  private async directory(auid: string, tree: XcapTree, req: XcapRequest): Promise<XcapResponse> {
    if (req.method !== 'GET') throw new XcapHttpError(405, 'directories are read-only', ALLOW_READ_ONLY);
    if (auid !== 'xcap-directory' && this.o.usages.get(auid) === undefined) throw new XcapHttpError(404, 'unknown application usage');
    const xui = tree.kind === 'users' ? tree.xui : undefined;
    const docs = (await this.o.store.list(xui)).filter((d) => auid === 'xcap-directory' || d.auid === auid);
    const byAuid = new Map<string, typeof docs>();
    for (const d of docs) byAuid.set(d.auid, [...(byAuid.get(d.auid) ?? []), d]);
    let body = `<?xml version="1.0" encoding="UTF-8"?>\n<xcap-directory xmlns="${XCAP_DIRECTORY_NS}">\n`;
    for (const [a, list] of byAuid) {
      body += ` <folder auid="${escapeXmlAttr(a)}">\n`;
      for (const d of list) body += `  <entry uri="${escapeXmlAttr(`${req.base}/${documentSelectorOf(a, xui, d.path)}`)}" etag="${escapeXmlAttr(d.etag)}"/>\n`;
      body += ' </folder>\n';
    }
    body += '</xcap-directory>\n';
    return { status: 200, headers: { 'content-type': XCAP_DIRECTORY_TYPE }, body };
  }
}

function refOf(d: DocumentSelector): DocumentRef {
  return { auid: d.auid, xui: d.tree.kind === 'users' ? d.tree.xui : undefined, path: d.path };
}

function domainOf(tree: XcapTree): string | undefined {
  return tree.kind === 'users' ? tree.domain : undefined;
}

function nsContext(usage: ApplicationUsage, bindings: ReadonlyMap<string, string>): NamespaceContext {
  return { defaultNamespace: usage.defaultNamespace, bindings };
}

/** Documents in the store were valid when written: a failure here is a server fault. */
function parseStored(body: string): Document {
  const r = parseXml(body, { maxBytes: Number.MAX_SAFE_INTEGER });
  if (!r.ok) throw new Error(`stored document does not parse: ${r.error.message}`, { cause: r.error });
  return r.value;
}

function requireType(given: string | undefined, expected: string): void {
  const type = (given ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== expected) throw new XcapHttpError(415, `expected ${expected}`);
}

function directoryUri(base: string, d: DocumentSelector): string {
  return `${base}/${d.raw.slice(0, d.raw.lastIndexOf('/') + 1)}`;
}

/** A step as a URI path segment: percent-encode what §6.3 says must be ("[", "]", '"' and so on). */
/** A node-selector step in a URI, with lower-case hex as RFC 4825's examples write it (§6.3). */
function encodeStep(s: string): string {
  return encodeXcapSegment(s).replace(/%[A-F0-9]{2}/g, (h) => h.toLowerCase());
}

/** §10: an element with the selected element's name and a declaration for every binding in scope. */
function namespaceBindings(el: Element): string {
  const decls = [...inScopeNamespaces(el)].map(([p, u]) => ` ${p === '' ? 'xmlns' : `xmlns:${p}`}="${escapeXmlAttr(u)}"`).join('');
  return `<${el.nodeName}${decls}/>`;
}
