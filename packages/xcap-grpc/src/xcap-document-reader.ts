import { credentials as grpcCredentials, Metadata, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import { CacheInvalidator, type ChangeEventBus } from './cache-invalidator.js';
import { DocumentCache, type CachedDocument } from './document-cache.js';
import { XcapDocumentsClient, type GetDocumentResponse, type GetDocumentVersionsResponse, type ListDocumentsResponse } from './generated/simple/xcap/v1/xcap_documents.js';
import { documentKey, unquoteEtag as unquote, type XcapDirectoryEntry, type XcapDocumentRef, type XcapDocumentResult, type XcapDocumentVersions } from './xcap-document.js';
import { XcapReadError } from './xcap-read-error.js';

export interface XcapDocumentReaderOptions {
  /** The XCAP server's gRPC address, `host:port`. */
  readonly address: string;
  /** Each call's deadline (ms); default 2000. */
  readonly deadlineMs?: number;
  /** Default: plaintext (inside the platform's network). */
  readonly credentials?: ChannelCredentials;
  /** The XCAP server's SIMPLE_XCAP_GRPC_TOKEN, sent as `authorization: Bearer <token>` on every call. */
  readonly token?: string;
  /** A cache of reads, dropped entry by entry on the XCAP change events. Off when absent. */
  readonly cache?: { readonly nats: ChangeEventBus; readonly maxEntries: number; readonly onBadEvent?: (error: string) => void };
}

/**
 * Reads XCAP documents over gRPC (proto/simple/xcap/v1/xcap_documents.proto) for
 * the platform's other services, each call under a deadline, optionally through a
 * bounded cache that the NATS change events keep true.
 */
export class XcapDocumentReader {
  private constructor(
    private readonly client: XcapDocumentsClient,
    private readonly deadlineMs: number,
    private readonly cache: DocumentCache | undefined,
    private readonly invalidator: CacheInvalidator | undefined,
    private readonly token: string | undefined,
  ) {}

  /** Resolves once the cache (if any) listens to change events; the channel itself connects on the first call. */
  static async connect(o: XcapDocumentReaderOptions): Promise<XcapDocumentReader> {
    // Versions carry one body per replacement: allow more than gRPC's default 4 MiB.
    const client = new XcapDocumentsClient(o.address, o.credentials ?? grpcCredentials.createInsecure(), { 'grpc.max_receive_message_length': 64 << 20 });
    let cache: DocumentCache | undefined;
    let invalidator: CacheInvalidator | undefined;
    if (o.cache !== undefined) {
      cache = new DocumentCache(o.cache.maxEntries);
      invalidator = await CacheInvalidator.start(o.cache.nats, cache, o.cache.onBadEvent);
    }
    return new XcapDocumentReader(client, o.deadlineMs ?? 2000, cache, invalidator, o.token);
  }

  /** Entries in the cache now (0 without one). */
  get cachedEntries(): number {
    return this.cache?.size ?? 0;
  }

  /**
   * One document (RFC 4825 §8.3 without a node selector). With `ifNoneMatch` equal to
   * the current ETag the answer is `not-modified` (§8.5). Throws XcapReadError.
   */
  async get(ref: XcapDocumentRef, opts: { readonly ifNoneMatch?: string } = {}): Promise<XcapDocumentResult> {
    const key = documentKey(ref.auid, ref.xui, ref.path);
    const cached = this.cache?.get(key);
    if (cached !== undefined) return notModifiedOr(cached, opts.ifNoneMatch);
    const ticket = this.cache?.begin(key);
    // The cache stores whole documents: ask without If-None-Match when caching, so the answer can be kept.
    const askConditional = this.cache === undefined && opts.ifNoneMatch !== undefined;
    let res: GetDocumentResponse;
    try {
      res = await this.unary<GetDocumentResponse>((md, callOpts, cb) =>
        this.client.getDocument({ auid: ref.auid, xui: ref.xui ?? '', path: ref.path, ...(askConditional ? { ifNoneMatch: opts.ifNoneMatch } : {}) }, md, callOpts, cb),
      );
    } catch (e) {
      if (ticket !== undefined) this.cache?.abandon(ticket);
      throw e;
    }
    if (res.notModified) {
      if (ticket !== undefined) this.cache?.abandon(ticket);
      return { kind: 'not-modified', etag: res.etag };
    }
    const result: CachedDocument = res.found ? { kind: 'document', etag: res.etag, contentType: res.contentType, body: res.body } : { kind: 'not-found' };
    if (ticket !== undefined) this.cache?.complete(ticket, result);
    return notModifiedOr(result, opts.ifNoneMatch);
  }

  /** The documents of one tree (`xui` undefined: the global tree), sorted by AUID then path. */
  async list(xui: string | undefined): Promise<XcapDirectoryEntry[]> {
    const res = await this.unary<ListDocumentsResponse>((md, callOpts, cb) => this.client.listDocuments({ xui: xui ?? '' }, md, callOpts, cb));
    return res.documents.map((d) => ({ auid: d.auid, path: d.path, etag: d.etag }));
  }

  /**
   * The document now and its replacements since `sinceEtag` (RFC 5875 §4.7 patches); undefined
   * when it does not exist. Never cached: the history is wanted exactly as it stands.
   */
  async versions(ref: XcapDocumentRef, sinceEtag: string): Promise<XcapDocumentVersions | undefined> {
    const res = await this.unary<GetDocumentVersionsResponse>((md, callOpts, cb) =>
      this.client.getDocumentVersions({ auid: ref.auid, xui: ref.xui ?? '', path: ref.path, sinceEtag }, md, callOpts, cb),
    );
    return res.found ? { etag: res.etag, body: res.body, history: res.history } : undefined;
  }

  /** Stops listening to change events and closes the channel. */
  close(): void {
    this.invalidator?.stop();
    this.client.close();
  }

  private unary<T>(call: (md: Metadata, opts: { deadline: Date }, cb: (err: ServiceError | null, res: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const md = new Metadata();
      if (this.token !== undefined) md.set('authorization', `Bearer ${this.token}`);
      call(md, { deadline: new Date(Date.now() + this.deadlineMs) }, (err, res) => {
        if (err !== null) reject(new XcapReadError(err.code, err.details, { cause: err }));
        else resolve(res);
      });
    });
  }
}

function notModifiedOr(r: XcapDocumentResult, ifNoneMatch: string | undefined): XcapDocumentResult {
  return r.kind === 'document' && ifNoneMatch !== undefined && unquote(ifNoneMatch) === r.etag ? { kind: 'not-modified', etag: r.etag } : r;
}


