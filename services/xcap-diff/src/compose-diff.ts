import { createHash } from 'node:crypto';
import { documentSelectorOf, evaluateNodeSelector, serializeNode } from '@simple/xcap-uri';
import { generatePatch, parseXml, type Document, type Element } from '@simple/xml';
import type { DiffView } from './diff-view-store.js';
import { XCAP_DIFF_NS, type DiffEntry } from './xcap-diff-document.js';
import { chainFrom, type XcapDocuments } from './xcap-documents.js';
import type { Watch, WatchedDocument } from './watch-list.js';

/**
 * RFC 5875 §4.3: how document changes are reported, from least to most complex. Without
 * the parameter, or with a value this notifier does not know, "no-patching" (§4.3: the
 * notifier MUST default to it; §4.7: it may use a simpler mode, never a more complex one).
 */
export type DiffMode = 'no-patching' | 'xcap-patching' | 'aggregate';

export function diffModeOf(params: Readonly<Record<string, string>>): DiffMode {
  const v = params['diff-processing'];
  return v === 'xcap-patching' || v === 'aggregate' ? v : 'no-patching';
}

/** What one NOTIFY reports, and what the watcher will have seen once it is answered 2xx. */
export interface Composition {
  readonly entries: readonly DiffEntry[];
  readonly view: DiffView;
}

interface InScope {
  readonly doc: WatchedDocument;
  readonly etag: string | undefined;
}

/**
 * Composes one xcap-diff body for one subscription.
 *
 * `full` (the NOTIFY after a SUBSCRIBE, RFC 5875 §4.7: "the first NOTIFY ... MUST contain the
 * URLs of the documents and XCAP component contents that are part of the subscription"; a
 * re-subscription "MUST re-send the current full XML diff content"): every existing document
 * with its ETag, and the content of every existing component.
 *
 * Otherwise the changes since `view` (what the watcher was last told): created documents
 * (`new-etag`), removed ones (`previous-etag`), changed ones as the mode says - ETags only,
 * one patch per version (xcap-patching: "the full (HTTP) ETag change history"), or one patch
 * for all (aggregate) - falling back to ETags only when the history does not reach back
 * (§4.7: the notifier "MAY at any time temporarily use the no-patching mode"); components
 * whose content changed, or that ceased to exist (`exists="0"`), latest state only.
 */
export async function composeDiff(watches: readonly Watch[], view: DiffView, full: boolean, mode: DiffMode, documents: XcapDocuments): Promise<Composition> {
  const directories = new Map<string, Map<string, string>>();
  for (const xui of new Set(watches.map((w) => (w.kind === 'component' ? w.document.xui : w.xui)))) directories.set(xui, await documents.directory(xui));
  const etagOf = (d: WatchedDocument): string | undefined => directories.get(d.xui)?.get(`${d.auid}/${d.path}`);

  const scope = documentsInScope(watches, directories);
  const entries: DiffEntry[] = [];
  const docs = new Map<string, string>();
  for (const [sel, s] of scope) if (s.etag !== undefined) docs.set(sel, s.etag);

  if (full) {
    for (const [sel, etag] of docs) entries.push({ kind: 'document', sel, newEtag: etag });
  } else {
    for (const sel of new Set([...docs.keys(), ...view.docs.keys()])) {
      const now = docs.get(sel);
      const before = view.docs.get(sel);
      if (now === before) continue;
      if (before === undefined) entries.push({ kind: 'document', sel, newEtag: now });
      else if (now === undefined) entries.push({ kind: 'document', sel, previousEtag: before });
      else {
        const changed = await documentChanges(sel, (scope.get(sel) as InScope).doc, before, now, mode, documents);
        entries.push(...changed.entries);
        if (changed.etag === undefined) docs.delete(sel);
        else docs.set(sel, changed.etag);
      }
    }
  }

  const components = new Map<string, string>();
  const memo: ParsedDocuments = new Map();
  // §4.7: "If there are superfluous resource selections ... the notifier SHOULD NOT provide overlapping similar responses".
  const reported = new Set<unknown>();
  for (const w of watches) {
    if (w.kind !== 'component') continue;
    const before = view.components.get(w.sel);
    const etag = etagOf(w.document);
    // The content cannot have changed if its document did not.
    if (!full && before !== undefined && etag !== undefined && before.startsWith(`${etag} `)) {
      components.set(w.sel, before);
      continue;
    }
    const now = await componentNow(w, documents, memo);
    components.set(w.sel, `${now.etag} ${now.hash}`);
    const hadIt = before !== undefined && !before.endsWith(' ');
    if (now.node !== undefined && reported.has(now.node)) continue;
    if (now.node !== undefined) reported.add(now.node);
    if (now.entry !== undefined && (full || before?.slice(before.indexOf(' ') + 1) !== now.hash)) entries.push(now.entry);
    // §4.7: "After the notifier has reported the existence of an XCAP component, it MUST also report its removal".
    else if (now.entry === undefined && !full && hadIt) entries.push({ kind: w.selector.terminal === undefined ? 'element' : 'attribute', sel: w.sel, exists: false });
  }
  return { entries, view: { docs, components } };
}

/** Documents named by the list that exist, or that the watcher was told of, by their `sel` (a repeat is reported once, §4.7). */
function documentsInScope(watches: readonly Watch[], directories: ReadonlyMap<string, ReadonlyMap<string, string>>): Map<string, InScope> {
  const scope = new Map<string, InScope>();
  const covered = new Set<string>();
  for (const w of watches) {
    if (w.kind !== 'document') continue;
    const key = `${w.xui}\u0000${w.auid}/${w.path}`;
    if (covered.has(key)) continue;
    covered.add(key);
    scope.set(w.sel, { doc: w, etag: directories.get(w.xui)?.get(`${w.auid}/${w.path}`) });
  }
  for (const w of watches) {
    if (w.kind !== 'collection') continue;
    for (const [field, etag] of directories.get(w.xui) ?? []) {
      const slash = field.indexOf('/');
      const auid = field.slice(0, slash);
      const path = field.slice(slash + 1);
      const key = `${w.xui}\u0000${field}`;
      if (auid !== w.auid || !path.startsWith(w.prefix) || covered.has(key)) continue;
      covered.add(key);
      // §4.6: for collection selections the `sel` names the document found in it.
      scope.set(documentSelectorOf(auid, w.xui, path), { doc: { auid, xui: w.xui, path }, etag });
    }
  }
  return scope;
}

async function documentChanges(
  sel: string,
  doc: WatchedDocument,
  before: string,
  now: string,
  mode: DiffMode,
  documents: XcapDocuments,
): Promise<{ readonly entries: DiffEntry[]; readonly etag: string | undefined }> {
  const etagsOnly = (to: string): { entries: DiffEntry[]; etag: string } => ({ entries: [{ kind: 'document', sel, previousEtag: before, newEtag: to }], etag: to });
  if (mode === 'no-patching') return etagsOnly(now);
  const versions = await documents.versions(doc, before);
  // Deleted since the directory was read: the next NOTIFY would say so; say it now.
  if (versions === undefined) return { entries: [{ kind: 'document', sel, previousEtag: before }], etag: undefined };
  const chain = chainFrom(versions, before);
  if (chain === undefined) return etagsOnly(versions.etag);
  const pairs = mode === 'aggregate' ? [[chain[0], chain[chain.length - 1]] as const] : chain.slice(1).map((v, i) => [chain[i], v] as const);
  const entries: DiffEntry[] = [];
  for (const [from, to] of pairs) {
    if (from === undefined || to === undefined) continue;
    const patch = patchBetween(from.body, to.body);
    if (patch === undefined) return etagsOnly(versions.etag);
    entries.push({ kind: 'document', sel, previousEtag: from.etag, newEtag: to.etag, patch });
  }
  return { entries, etag: versions.etag };
}

/** RFC 5874 §3: the RFC 5261 operations turning one version into the next, as a `<document>` element; 'unchanged' when only the ETag moved. */
function patchBetween(from: string, to: string): Element | 'unchanged' | undefined {
  const a = parseXml(from, STORED);
  const b = parseXml(to, STORED);
  if (!a.ok || !b.ok) return undefined;
  try {
    const root = generatePatch(a.value, b.value, { rootName: 'document', namespace: XCAP_DIFF_NS, prefix: 'd' });
    for (let n = root.firstChild; n !== null; n = n.nextSibling) if (n.nodeType === 1) return root;
    return 'unchanged';
  } catch {
    return undefined;
  }
}

/** The documents one compose reads for its components, each read and parsed once. */
type ParsedDocuments = Map<string, Promise<{ readonly etag: string; readonly doc: Document } | undefined>>;

function parsedDocument(w: Extract<Watch, { kind: 'component' }>, documents: XcapDocuments, memo: ParsedDocuments) {
  const key = `${w.document.xui}\u0000${w.document.auid}/${w.document.path}`;
  let p = memo.get(key);
  if (p === undefined) {
    p = documents.body(w.document).then((d) => {
      if (d === undefined) return undefined;
      const parsed = parseXml(d.body, STORED);
      // A stored document the XCAP server validated does not fail to parse; if one did, saying the
      // component is gone would be false: fail the compose, which the framework tries again.
      if (!parsed.ok) throw new Error(`${w.document.auid} document of ${w.document.xui} does not parse: ${parsed.error.message}`);
      return { etag: d.etag, doc: parsed.value };
    });
    memo.set(key, p);
  }
  return p;
}

/**
 * A component's state now: its document's ETag, a hash of its content ('' when it does not
 * exist), its entry, and the node it selects (two entries selecting one node are one report).
 */
async function componentNow(
  w: Extract<Watch, { kind: 'component' }>,
  documents: XcapDocuments,
  memo: ParsedDocuments,
): Promise<{ etag: string; hash: string; entry: DiffEntry | undefined; node: unknown }> {
  const d = await parsedDocument(w, documents, memo);
  if (d === undefined) return { etag: '', hash: '', entry: undefined, node: undefined };
  const found = evaluateNodeSelector(d.doc, w.selector, w.namespaces);
  if (!found.ok || found.value.kind === 'namespace') return { etag: d.etag, hash: '', entry: undefined, node: undefined };
  const v = found.value;
  if (v.kind === 'attribute') return { etag: d.etag, hash: digest(`@${v.attr.value}`), entry: { kind: 'attribute', sel: w.sel, exists: true, value: v.attr.value }, node: v.attr };
  return { etag: d.etag, hash: digest(serializeNode(v.element)), entry: { kind: 'element', sel: w.sel, exists: true, element: v.element }, node: v.element };
}

/** Documents come from the XCAP server, which checked them on the way in (its own size limit, up to 16 MiB). */
const STORED = { maxBytes: 16 << 20 } as const;

function digest(s: string): string {
  return createHash('sha256').update(s).digest('base64url').slice(0, 22);
}
