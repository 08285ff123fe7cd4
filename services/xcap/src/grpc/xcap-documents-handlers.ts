import { timingSafeEqual } from 'node:crypto';
import { Metadata, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { statusName, unquoteEtag as unquote, type GetDocumentResponse, type GetDocumentVersionsResponse, type ListDocumentsResponse, type XcapDocumentsServer } from '@simple/xcap-grpc';
import type { DocumentStore } from '../document-store.js';
import { readDocument } from '../read-document.js';
import type { UsageRegistry } from '../usages/usage-registry.js';
import { checkDocumentRequest, checkTreeRequest } from './document-request.js';

export type XcapGrpcMethod = 'GetDocument' | 'ListDocuments' | 'GetDocumentVersions';

export interface XcapDocumentsDeps {
  readonly store: DocumentStore;
  readonly usages: UsageRegistry;
  /** When set, every call must carry `authorization: Bearer <token>` (else UNAUTHENTICATED). */
  readonly token?: string;
  /** Called once per call with its gRPC status name (`OK`, `INVALID_ARGUMENT`, ...), for the metric. */
  readonly onCall?: (method: XcapGrpcMethod, code: string) => void;
  /** Failures other than a refused request: the store's (status UNAVAILABLE) or the server's own (INTERNAL). */
  readonly onError?: (method: XcapGrpcMethod, err: unknown) => void;
}

/** A refusal with its gRPC status; the message names the field at fault. */
class CallError extends Error {
  constructor(
    readonly code: status,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A read of Redis: its failure (connection lost, retries exhausted) is UNAVAILABLE, which a client may retry. */
async function fromStore<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (e) {
    throw new CallError(status.UNAVAILABLE, 'the document store cannot be read', { cause: e });
  }
}

/**
 * The XcapDocuments service (proto/simple/xcap/v1/xcap_documents.proto): reads
 * through the DocumentStore, as RFC 4825 §8.3 GET does over HTTP. Every call
 * ends in exactly one callback; nothing a client sends makes a handler throw.
 */
export function xcapDocumentsHandlers(deps: XcapDocumentsDeps): XcapDocumentsServer {
  const expected = deps.token === undefined ? undefined : Buffer.from(`Bearer ${deps.token}`);
  const authorized = (md: Metadata): boolean => {
    if (expected === undefined) return true;
    const given = md.get('authorization')[0];
    const b = Buffer.from(typeof given === 'string' ? given : '');
    return b.length === expected.length && timingSafeEqual(b, expected);
  };

  function unary<Req, Res>(method: XcapGrpcMethod, fn: (req: Req) => Promise<Res>) {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
      const run = authorized(call.metadata) ? fn(call.request) : Promise.reject(new CallError(status.UNAUTHENTICATED, 'a bearer token is required'));
      run.then(
        (res) => {
          deps.onCall?.(method, statusName(status.OK));
          callback(null, res);
        },
        (err: unknown) => {
          const known = err instanceof CallError;
          if (!known || (err.code !== status.INVALID_ARGUMENT && err.code !== status.UNAUTHENTICATED)) deps.onError?.(method, known && err.cause !== undefined ? err.cause : err);
          const code = known ? err.code : status.INTERNAL;
          deps.onCall?.(method, statusName(code));
          callback({ code, details: known ? err.message : 'internal error', metadata: new Metadata() });
        },
      );
    };
  }

  return {
    getDocument: unary('GetDocument', async (req): Promise<GetDocumentResponse> => {
      const checked = checkDocumentRequest(req, deps.usages);
      if (!checked.ok) throw new CallError(status.INVALID_ARGUMENT, checked.error);
      const doc = await fromStore(readDocument(deps.store, checked.value.usage, checked.value.ref));
      if (doc === undefined) return { found: false, etag: '', contentType: '', body: '', notModified: false };
      const contentType = checked.value.usage.mimeType;
      // RFC 4825 §8.5 with RFC 7232 §3.2: If-None-Match naming the current entity tag answers "not modified", without the body.
      if (req.ifNoneMatch !== undefined && unquote(req.ifNoneMatch) === doc.etag) return { found: true, etag: doc.etag, contentType, body: '', notModified: true };
      return { found: true, etag: doc.etag, contentType, body: doc.body, notModified: false };
    }),
    listDocuments: unary('ListDocuments', async (req): Promise<ListDocumentsResponse> => {
      const checked = checkTreeRequest(req);
      if (!checked.ok) throw new CallError(status.INVALID_ARGUMENT, checked.error);
      return { documents: await fromStore(deps.store.list(checked.value)) };
    }),
    getDocumentVersions: unary('GetDocumentVersions', async (req): Promise<GetDocumentVersionsResponse> => {
      const checked = checkDocumentRequest(req, deps.usages);
      if (!checked.ok) throw new CallError(status.INVALID_ARGUMENT, checked.error);
      const { ref, usage } = checked.value;
      // A generated document (global tree) has no history: its current version only.
      const generated = ref.xui === undefined ? await fromStore(readDocument(deps.store, usage, ref)) : undefined;
      if (generated !== undefined) return { found: true, etag: generated.etag, body: generated.body, history: [] };
      const v = await fromStore(deps.store.versions(ref, unquote(req.sinceEtag)));
      if (v === undefined) return { found: false, etag: '', body: '', history: [] };
      return { found: true, etag: v.etag, body: v.body, history: v.history };
    }),
  };
}
