import { randomBytes } from 'node:crypto';
import { xcapHistory, xcapKeys, xcapSubjects, type XcapChangeEvent } from '@simple/contracts';
import type { RedisClient } from '@simple/platform';

/** A stored XCAP document with its entity tag (RFC 4825 §8.5: one ETag per document). */
export interface StoredDocument {
  readonly body: string;
  readonly etag: string;
}

/** One replacement kept in a document's history (`xcapKeys.history`): `previousEtag` became `etag`. */
export interface StoredVersion {
  readonly previousEtag: string;
  readonly etag: string;
  readonly previousBody: string;
}

/** Where a document lives: `xui` undefined for the global tree. */
export interface DocumentRef {
  readonly auid: string;
  readonly xui: string | undefined;
  readonly path: string;
}

/** Where change events go (NATS in production; a recorder in tests). */
export interface ChangePublisher {
  publish(subject: string, data: string): void;
}

// Compare-and-set on the old ETag ('' = the document must not exist), with the directory index
// and the version history (xcapKeys.history: the replaced body, for xcap-diff patches), in one slot.
const PUT_SCRIPT = `
local cur = redis.call('HGET', KEYS[1], 'etag')
if ARGV[1] == '' then
  if cur then return 0 end
elseif cur ~= ARGV[1] then
  return 0
end
local old = cur and redis.call('HGET', KEYS[1], 'body')
if old and string.len(old) <= tonumber(ARGV[7]) then
  redis.call('XADD', KEYS[3], 'MAXLEN', ARGV[5], '*', 'prev', cur, 'etag', ARGV[2], 'body', old)
  redis.call('PEXPIRE', KEYS[3], ARGV[6])
else
  redis.call('DEL', KEYS[3])
end
redis.call('HSET', KEYS[1], 'etag', ARGV[2], 'body', ARGV[3])
redis.call('HSET', KEYS[2], ARGV[4], ARGV[2])
return 1`;

const DELETE_SCRIPT = `
local cur = redis.call('HGET', KEYS[1], 'etag')
if cur ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('HDEL', KEYS[2], ARGV[2])
return 1`;

/**
 * XCAP documents in Redis: one hash per document `{ etag, body }`, and every write
 * a compare-and-set on the ETag the request was computed from, so that two writers
 * never lose each other's change. Each change is published on NATS.
 */
export class DocumentStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly publisher: ChangePublisher,
    private readonly now: () => number = Date.now,
  ) {}

  async get(ref: DocumentRef): Promise<StoredDocument | undefined> {
    const [etag, body] = await this.redis.hmget(xcapKeys.document(ref.auid, ref.xui, ref.path), 'etag', 'body');
    return etag === null || etag === undefined || body === null || body === undefined ? undefined : { etag, body };
  }

  /** The document's current ETag alone (undefined: no such document), for readers that hold its parse. */
  async etag(ref: DocumentRef): Promise<string | undefined> {
    return (await this.redis.hget(xcapKeys.document(ref.auid, ref.xui, ref.path), 'etag')) ?? undefined;
  }

  /** Writes the document if its ETag is still `expected` (undefined: if it still does not exist); the new ETag, or undefined on a conflict. */
  async put(ref: DocumentRef, body: string, expected: string | undefined): Promise<string | undefined> {
    const etag = newEtag();
    const r = await this.redis.eval(
      PUT_SCRIPT,
      3,
      xcapKeys.document(ref.auid, ref.xui, ref.path),
      xcapKeys.directory(ref.xui),
      xcapKeys.history(ref.auid, ref.xui, ref.path),
      expected ?? '',
      etag,
      body,
      field(ref),
      xcapHistory.maxVersions,
      xcapHistory.ttlMs,
      xcapHistory.maxBodyBytes,
    );
    if (r !== 1) return undefined;
    this.emit(ref, expected, etag);
    return etag;
  }

  /** Deletes the document if its ETag is still `expected`; false on a conflict. */
  async delete(ref: DocumentRef, expected: string): Promise<boolean> {
    const r = await this.redis.eval(
      DELETE_SCRIPT,
      3,
      xcapKeys.document(ref.auid, ref.xui, ref.path),
      xcapKeys.directory(ref.xui),
      xcapKeys.history(ref.auid, ref.xui, ref.path),
      expected,
      field(ref),
    );
    if (r !== 1) return false;
    this.emit(ref, expected, undefined);
    return true;
  }

  /**
   * The document and the replacements since `sinceEtag` (oldest first; empty when the history
   * no longer reaches back to it), read in one transaction (same slot), so that they agree.
   */
  async versions(ref: DocumentRef, sinceEtag: string): Promise<(StoredDocument & { readonly history: StoredVersion[] }) | undefined> {
    const r = await this.redis
      .multi()
      .hmget(xcapKeys.document(ref.auid, ref.xui, ref.path), 'etag', 'body')
      .xrange(xcapKeys.history(ref.auid, ref.xui, ref.path), '-', '+')
      .exec();
    const [docErr, doc] = r?.[0] ?? [];
    const [histErr, hist] = r?.[1] ?? [];
    if (r === null || docErr || histErr) throw docErr ?? histErr ?? new Error('the transaction was aborted');
    const [etag, body] = doc as Array<string | null>;
    if (typeof etag !== 'string' || typeof body !== 'string') return undefined;
    const all: StoredVersion[] = [];
    for (const [, flat] of hist as Array<[string, string[]]>) {
      const f = new Map<string, string>();
      for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i] as string, flat[i + 1] as string);
      const previousEtag = f.get('prev');
      const next = f.get('etag');
      const previousBody = f.get('body');
      if (previousEtag !== undefined && next !== undefined && previousBody !== undefined) all.push({ previousEtag, etag: next, previousBody });
    }
    const from = all.findIndex((v) => v.previousEtag === sinceEtag);
    return { etag, body, history: from < 0 ? [] : all.slice(from) };
  }

  /** The documents of one tree: `{ auid, path, etag }`, sorted. */
  async list(xui: string | undefined): Promise<Array<{ auid: string; path: string; etag: string }>> {
    const h = await this.redis.hgetall(xcapKeys.directory(xui));
    return Object.entries(h)
      .map(([f, etag]) => {
        const slash = f.indexOf('/');
        return { auid: f.slice(0, slash), path: f.slice(slash + 1), etag };
      })
      .sort((a, b) => (a.auid + '/' + a.path).localeCompare(b.auid + '/' + b.path));
  }

  /**
   * A generated document changed (rls-services' global index, RFC 4826 §4.4.8): the change
   * event without ETags (the ETag of a generated document is computed when it is read), so
   * that readers' caches drop it.
   */
  announceGenerated(ref: DocumentRef): void {
    this.emit(ref, undefined, undefined, true);
  }

  private emit(ref: DocumentRef, oldEtag: string | undefined, etag: string | undefined, generated = false): void {
    const ev: XcapChangeEvent = {
      auid: ref.auid,
      ...(ref.xui === undefined ? {} : { xui: ref.xui }),
      document: ref.path,
      ...(oldEtag === undefined ? {} : { oldEtag }),
      ...(etag === undefined ? {} : { newEtag: etag }),
      ...(generated ? { generated: true as const } : {}),
      at: this.now(),
    };
    this.publisher.publish(xcapSubjects.documentChanged(ref.auid), JSON.stringify(ev));
  }
}

function field(ref: DocumentRef): string {
  return `${ref.auid}/${ref.path}`;
}

function newEtag(): string {
  return randomBytes(9).toString('base64url');
}
