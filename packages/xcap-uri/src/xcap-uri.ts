import { parseAor } from '@simple/users';
import type { NodeSelector, SelectorResult } from './node-selector/node-selector.js';
import { parseNodeSelector } from './node-selector/parse-node-selector.js';

/** RFC 4825 §6.2: a document lives in one user's tree (`users/<xui>`) or in the `global` tree. */
export type XcapTree = { readonly kind: 'users'; readonly xui: string; readonly aor: string; readonly domain: string } | { readonly kind: 'global' };

/** A document selector (§6.2): AUID, tree and the path of the document inside the tree. */
export interface DocumentSelector {
  readonly auid: string;
  readonly tree: XcapTree;
  /** Decoded path segments joined by "/", for example `index`. */
  readonly path: string;
  /** The document selector as it appeared in the request, still percent-encoded. */
  readonly raw: string;
}

/** A parsed XCAP request URI. */
export type XcapUri =
  | {
      readonly kind: 'document';
      readonly document: DocumentSelector;
      readonly nodeSelector: NodeSelector | undefined;
      /** The node selector as it appeared in the request (percent-encoded), for ancestor URIs. */
      readonly rawNodeSelector: string | undefined;
      /** §6.4: namespace bindings from the `xmlns()` query. */
      readonly bindings: ReadonlyMap<string, string>;
    }
  | { readonly kind: 'directory'; readonly auid: string; readonly tree: XcapTree; readonly raw: string };

const AUID_RE = /^[A-Za-z0-9][A-Za-z0-9.\-_]*$/;

/**
 * Parses the path and query of a request under the XCAP root (RFC 4825 §6):
 *
 *   <root>/<auid>/users/<xui>/<path...>[/~~/<node-selector>][?xmlns(p=uri)...]
 *   <root>/<auid>/global/<path...>[/~~/<node-selector>]
 *   <root>/<auid>/users/<xui>/       a directory (the listing of the user's documents)
 *
 * The document path segments and the node selector are percent-decoded (§6.3: "the
 * node selector is percent-encoded"). Never throws.
 */
export function parseXcapUri(url: string, root: string): SelectorResult<XcapUri> {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  if (!path.startsWith(`${root}/`)) return fail('not under the XCAP root');
  const rest = path.slice(root.length + 1);
  const sep = rest.indexOf('/~~/');
  const docPart = sep < 0 ? rest : rest.slice(0, sep);
  const rawNodeSelector = sep < 0 ? undefined : rest.slice(sep + 4);
  if (sep < 0 && rest.endsWith('/~~')) return fail('empty node selector');
  const segments = docPart.split('/');
  const decoded: string[] = [];
  for (const s of segments) {
    const d = decode(s);
    if (d === undefined) return fail('bad percent-encoding');
    decoded.push(d);
  }
  const [auid, treeName, ...tail] = decoded;
  if (auid === undefined || !AUID_RE.test(auid)) return fail('bad AUID');
  let tree: XcapTree;
  let docSegments: string[];
  if (treeName === 'global') {
    tree = { kind: 'global' };
    docSegments = tail;
  } else if (treeName === 'users') {
    const [xui, ...more] = tail;
    if (xui === undefined || xui === '') return fail('no XUI');
    const aor = parseAor(xui);
    if (!aor.ok || !/^sips?:/i.test(xui)) return fail('the XUI is not a SIP URI of a user');
    tree = { kind: 'users', xui, aor: aor.value.aor, domain: aor.value.domain };
    docSegments = more;
  } else return fail('neither users nor global tree');
  // A trailing "/" (or nothing after the tree) names the directory.
  if (rawNodeSelector === undefined && (docSegments.length === 0 || (docSegments.length === 1 && docSegments[0] === ''))) {
    return { ok: true, value: { kind: 'directory', auid, tree, raw: docPart } };
  }
  if (docSegments.length === 0 || docSegments.some((s) => s === '' || s === '.' || s === '..' || s.includes('/'))) return fail('bad document path');
  const bindings = parseXmlnsQuery(query);
  if (bindings === undefined) return fail('bad xmlns() query');
  let nodeSelector: NodeSelector | undefined;
  if (rawNodeSelector !== undefined) {
    const text = decode(rawNodeSelector);
    if (text === undefined) return fail('bad percent-encoding in the node selector');
    const ns = parseNodeSelector(text);
    if (!ns.ok) return ns;
    nodeSelector = ns.value;
  }
  return {
    ok: true,
    value: { kind: 'document', document: { auid, tree, path: docSegments.join('/'), raw: docPart }, nodeSelector, rawNodeSelector, bindings },
  };
}

/** §6.4: query = 1*xmlns-ns; xmlns-ns = "xmlns(" ncname "=" ns-name ")". */
export function parseXmlnsQuery(query: string): Map<string, string> | undefined {
  const out = new Map<string, string>();
  const text = decode(query);
  if (text === undefined) return undefined;
  let rest = text;
  while (rest !== '') {
    const m = /^xmlns\(([A-Za-z_][A-Za-z0-9_.-]*)=([^)]+)\)/.exec(rest);
    if (m === null) return undefined;
    out.set(m[1] as string, m[2] as string);
    rest = rest.slice(m[0].length);
  }
  return out;
}

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function fail(error: string): SelectorResult<never> {
  return { ok: false, error };
}

/**
 * One path segment (a document path segment, an XUI, or a node-selector step) as it is written
 * in an XCAP URI: RFC 3986 `pchar`s as they are (`:` and `@` of an XUI included), everything
 * else percent-encoded (RFC 4825 §6).
 */
export function encodeXcapSegment(s: string): string {
  return s.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@]/g, (c) => encodeURIComponent(c));
}

/** The document selector of a document, relative to the XCAP root: `<auid>/users/<xui>/<path>` or `<auid>/global/<path>`. */
export function documentSelectorOf(auid: string, xui: string | undefined, path: string): string {
  const tree = xui === undefined ? 'global' : `users/${encodeXcapSegment(xui)}`;
  return `${encodeXcapSegment(auid)}/${tree}/${path.split('/').map(encodeXcapSegment).join('/')}`;
}
