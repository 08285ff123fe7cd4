/** Where an XCAP document lives (RFC 4825 §6.2): `xui` undefined for the global tree. */
export interface XcapDocumentRef {
  readonly auid: string;
  readonly xui: string | undefined;
  readonly path: string;
}

/** What a read of one document gives. ETags are bare (without HTTP's quotes). */
export type XcapDocumentResult =
  | { readonly kind: 'document'; readonly etag: string; readonly contentType: string; readonly body: string }
  | { readonly kind: 'not-found' }
  /** The caller's `ifNoneMatch` is the document's current ETag (RFC 4825 §8.5). */
  | { readonly kind: 'not-modified'; readonly etag: string };

/** A document now and its replacements since a known ETag, oldest first (empty when the server no longer remembers that version). */
export interface XcapDocumentVersions {
  readonly etag: string;
  readonly body: string;
  readonly history: ReadonlyArray<{ readonly previousEtag: string; readonly etag: string; readonly previousBody: string }>;
}

/** One document of a tree's directory index. */
export interface XcapDirectoryEntry {
  readonly auid: string;
  readonly path: string;
  readonly etag: string;
}

/** An ETag as the API carries it (bare), from one bare or quoted as in HTTP (RFC 7232 §2.3). */
export function unquoteEtag(etag: string): string {
  return etag.length >= 2 && etag.startsWith('"') && etag.endsWith('"') ? etag.slice(1, -1) : etag;
}

/** The key a document is cached under: one per (auid, tree, path). */
export function documentKey(auid: string, xui: string | undefined, path: string): string {
  return `${auid}\n${xui ?? ''}\n${path}`;
}
