import { parseAor } from '@simple/users';
import { defaultNamespaceOf, parseXcapUri, RESOURCE_LISTS_NS, type NamespaceContext, type NodeSelector } from '@simple/xcap-uri';
import { parseXml, type Element } from '@simple/xml';

export const RESOURCE_LISTS_TYPE = 'application/resource-lists+xml';

/** A document of the watcher's tree: its AUID and path, and the XUI its tree is keyed by. */
export interface WatchedDocument {
  readonly auid: string;
  readonly xui: string;
  readonly path: string;
}

/**
 * One entry of the SUBSCRIBE's list (RFC 5875 §4.4), resolved against the XCAP root:
 * - a collection (the URI ends in "/"): every document of the AUID in the watcher's tree
 *   under `prefix`, recursively (§4.1: "recursively all documents in sub-collections");
 * - a document;
 * - an XCAP component: an element or attribute of a document (§4.1: the notifier MUST
 *   support component subscriptions).
 * `sel` is the entry's URI as written, relative to the XCAP root (§4.6: the `sel` of a
 * document or component MUST equal it octet by octet).
 */
export type Watch =
  | { readonly kind: 'collection'; readonly sel: string; readonly auid: string; readonly xui: string; readonly prefix: string }
  | ({ readonly kind: 'document'; readonly sel: string } & WatchedDocument)
  | {
      readonly kind: 'component';
      readonly sel: string;
      readonly document: WatchedDocument;
      readonly selector: NodeSelector;
      readonly namespaces: NamespaceContext;
    };

export interface WatchList {
  readonly watches: readonly Watch[];
  /** Entries left out: unreadable, unaddressable, repeated or beyond the limit. */
  readonly ignored: number;
}

/** The entry URIs of a resource-lists body (RFC 4826 §3), every `<entry uri>` in document order. */
export function entryUris(body: Buffer): { readonly ok: true; readonly uris: string[] } | { readonly ok: false; readonly error: string } {
  const parsed = parseXml(body);
  if (!parsed.ok) return { ok: false, error: `the resource list is not well-formed XML: ${parsed.error.message}` };
  const root = parsed.value.documentElement;
  if (root === null || root.localName !== 'resource-lists' || root.namespaceURI !== RESOURCE_LISTS_NS) {
    return { ok: false, error: 'the body is not a resource-lists document' };
  }
  const uris: string[] = [];
  const walk = (el: Element): void => {
    for (let n = el.firstChild; n !== null; n = n.nextSibling) {
      if (n.nodeType !== 1) continue;
      const child = n as Element;
      if (child.namespaceURI !== RESOURCE_LISTS_NS) continue;
      // §4.4: a flat list; anything the notifier does not understand is ignored.
      if (child.localName === 'list') walk(child);
      else if (child.localName === 'entry') {
        const uri = child.getAttribute('uri');
        if (uri !== null && uri !== '') uris.push(uri);
      }
    }
  };
  walk(root);
  return { ok: true, uris };
}

/**
 * Resolves the list for one watcher (`owner`, an address of record). RFC 5875 §4.7: "A
 * resource for which an authenticated user does not have a read privilege MUST NOT be
 * included": the XCAP server lets a user read only their own tree (services/xcap, §5.7), so
 * entries naming another tree, another XCAP root, or nothing XCAP can address are left out
 * (counted in `ignored`), as are namespace selections (§4.1: clients MUST NOT subscribe to
 * them) and repeats.
 */
export function resolveWatches(uris: readonly string[], owner: string, xcapRoot: string, maxEntries: number): WatchList {
  const root = new URL(xcapRoot);
  const watches: Watch[] = [];
  const seen = new Set<string>();
  let ignored = 0;
  for (const uri of uris) {
    const w = watches.length < maxEntries && !seen.has(uri) ? resolveOne(uri, owner, root) : undefined;
    seen.add(uri);
    if (w === undefined) ignored++;
    else watches.push(w);
  }
  return { watches, ignored };
}

function resolveOne(uri: string, owner: string, root: URL): Watch | undefined {
  // §4.4: relative URIs are resolved against the XCAP root; absolute ones must be under it.
  let url: URL;
  try {
    url = new URL(uri, root);
  } catch {
    return undefined;
  }
  if (url.origin !== root.origin || !url.pathname.startsWith(root.pathname)) return undefined;
  const rootPath = root.pathname.replace(/\/$/, '');
  const rel = url.pathname.slice(root.pathname.length);
  // §4.6: `sel` equals the entry's URI octet by octet, relative to the XCAP root: an absolute
  // entry written with the root as configured loses it as written; one spelled otherwise
  // (another case in the host, say) is taken as the URL parser reads it.
  const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(uri);
  const sel = !absolute ? uri : uri.startsWith(root.href) ? uri.slice(root.href.length) : rel + url.search;

  if (rel.endsWith('/') && !rel.includes('/~~/')) return collection(rel, sel, owner);
  const parsed = parseXcapUri(url.pathname + url.search, rootPath);
  if (!parsed.ok || parsed.value.kind !== 'document') return undefined;
  const { document: d, nodeSelector, bindings } = parsed.value;
  if (d.tree.kind !== 'users' || d.tree.aor !== owner) return undefined;
  const doc: WatchedDocument = { auid: d.auid, xui: d.tree.xui, path: d.path };
  if (nodeSelector === undefined) return { kind: 'document', sel, ...doc };
  if (nodeSelector.terminal?.kind === 'namespace') return undefined;
  return { kind: 'component', sel, document: doc, selector: nodeSelector, namespaces: { defaultNamespace: defaultNamespaceOf(d.auid), bindings } };
}

/** `<auid>/` (the watcher's own tree), `<auid>/users/<xui>/[dir/...]`; the global tree holds nothing a client writes. */
function collection(rel: string, sel: string, owner: string): Watch | undefined {
  let segments: string[];
  try {
    segments = rel.slice(0, -1).split('/').map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const [auid, tree, xui, ...dirs] = segments;
  if (auid === undefined || !/^[A-Za-z0-9][A-Za-z0-9.\-_]*$/.test(auid)) return undefined;
  if (tree === undefined) return { kind: 'collection', sel, auid, xui: `sip:${owner}`, prefix: '' };
  if (tree !== 'users' || xui === undefined) return undefined;
  const aor = parseAor(xui);
  if (!aor.ok || aor.value.aor !== owner || dirs.some((s) => s === '' || s === '.' || s === '..')) return undefined;
  return { kind: 'collection', sel, auid, xui, prefix: dirs.length === 0 ? '' : `${dirs.join('/')}/` };
}
