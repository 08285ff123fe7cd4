import { documentKey } from '@simple/xcap-grpc';
import type { Document } from '@simple/xml';
import type { DocumentRef } from './document-store.js';

/**
 * Parsed documents by (document, ETag), least recently used out first. Parsing is most
 * of an element GET's cost (a 16 KB resource list takes milliseconds with xmldom), and a
 * document's content is fixed by its ETag (RFC 4825 §8.5), so a parse is reused until the
 * document changes. The DOMs held here are shared: nobody may change them; a writer
 * `take()`s one out first.
 */
export class ParsedDocumentCache {
  private readonly entries = new Map<string, { readonly etag: string; readonly doc: Document; readonly length: number }>();
  /** The text length of the documents held: a DOM takes some 30 times its text in heap (xmldom). */
  private heldLength = 0;

  constructor(
    /** 0 turns the cache off. */
    private readonly maxEntries: number,
    /** The text, in characters, of all documents held together. */
    private readonly maxTotalLength = 8 << 20,
    /** Documents larger than this (characters) are not kept. */
    private readonly maxBodyLength = 256 << 10,
  ) {}

  /** The shared parse of `ref` at `etag`, or `parse()`'s result, kept for the next reader. */
  shared(ref: DocumentRef, etag: string, body: string, parse: (body: string) => Document): Document {
    const key = keyOf(ref);
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.etag === etag) {
      // Refresh its place in the LRU order (a Map iterates in insertion order).
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.doc;
    }
    const doc = parse(body);
    this.remember(ref, etag, doc, body.length);
    return doc;
  }

  /** The shared parse of `ref` at `etag` when it is held (a reader that has only the ETag). */
  peek(ref: DocumentRef, etag: string): Document | undefined {
    const hit = this.entries.get(keyOf(ref));
    return hit !== undefined && hit.etag === etag ? hit.doc : undefined;
  }

  /**
   * The parse of `ref` at `etag` for a writer to change: the cached one, which leaves the
   * cache (readers meanwhile parse the stored version again), or a fresh parse. A writer
   * holds the document's WriteQueue turn, so no other writer on this replica wants it;
   * copying instead would cost more than parsing (xmldom's cloneNode).
   */
  take(ref: DocumentRef, etag: string, body: string, parse: (body: string) => Document): Document {
    const key = keyOf(ref);
    const hit = this.entries.get(key);
    if (hit === undefined || hit.etag !== etag) return parse(body);
    this.drop(key);
    return hit.doc;
  }

  /** Keeps `doc` as the parse of `ref` at `etag`; the caller gives it up (it must not change it any more). */
  remember(ref: DocumentRef, etag: string, doc: Document, bodyLength: number): void {
    const key = keyOf(ref);
    this.drop(key);
    if (this.maxEntries <= 0 || bodyLength > this.maxBodyLength) return;
    this.entries.set(key, { etag, doc, length: bodyLength });
    this.heldLength += bodyLength;
    while (this.entries.size > this.maxEntries || this.heldLength > this.maxTotalLength) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.drop(oldest.value);
    }
  }

  /** Forgets a document (deleted). */
  forget(ref: DocumentRef): void {
    this.drop(keyOf(ref));
  }

  private drop(key: string): void {
    const e = this.entries.get(key);
    if (e === undefined) return;
    this.entries.delete(key);
    this.heldLength -= e.length;
  }

  get size(): number {
    return this.entries.size;
  }
}

function keyOf(ref: DocumentRef): string {
  return documentKey(ref.auid, ref.xui, ref.path);
}
