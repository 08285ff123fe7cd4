import { createHash } from 'node:crypto';
import type { DocumentRef, DocumentStore, StoredDocument } from './document-store.js';
import type { ApplicationUsage } from './usages/application-usage.js';

/**
 * A whole document as RFC 4825 §8.3 GET returns it: the one the usage generates
 * for that path (xcap-caps' global/index, §12), or else the stored one; undefined
 * when neither exists. Shared by the HTTP API and the gRPC read API.
 */
export async function readDocument(store: DocumentStore, usage: ApplicationUsage, ref: DocumentRef): Promise<StoredDocument | undefined> {
  const generated = ref.xui === undefined ? await usage.generated?.(ref) : undefined;
  if (generated !== undefined) return { body: generated, etag: generatedEtag(generated) };
  return store.get(ref);
}

/** §8.5: a generated document's ETag changes exactly when its content does. */
function generatedEtag(body: string): string {
  return createHash('sha256').update(body).digest('base64url').slice(0, 16);
}
