import { xcapKeys } from '@simple/contracts';
import type { RedisClient } from '@simple/platform';
import type { WatchedDocument } from './watch-list.js';

/** One replacement in a document's history: `prev` → `etag`, and the body `prev` had. */
export interface VersionStep {
  readonly prev: string;
  readonly etag: string;
  readonly prevBody: string;
}

/** A document now, with the replacements the XCAP server remembers (oldest first). */
export interface DocumentVersions {
  readonly etag: string;
  readonly body: string;
  readonly history: readonly VersionStep[];
}

/**
 * Reads the XCAP server's documents as its contract lays them out (`xcapKeys` in
 * @simple/contracts): the directory index of a tree, a document, and the version history
 * the server keeps for this notifier's patches. Read-only: the XCAP server is the only
 * writer.
 */
export class XcapDocuments {
  constructor(private readonly redis: RedisClient) {}

  /** `<auid>/<path>` → ETag for every document of one user's tree. */
  async directory(xui: string): Promise<Map<string, string>> {
    const all = await this.redis.hgetall(xcapKeys.directory(xui));
    return new Map(Object.entries(all));
  }

  async body(d: WatchedDocument): Promise<{ readonly etag: string; readonly body: string } | undefined> {
    const [etag, body] = await this.redis.hmget(xcapKeys.document(d.auid, d.xui, d.path), 'etag', 'body');
    return etag === null || etag === undefined || body === null || body === undefined ? undefined : { etag, body };
  }

  /** The document and its history, read in one transaction (both keys share a slot) so that they agree. */
  async versions(d: WatchedDocument): Promise<DocumentVersions | undefined> {
    const r = await this.redis
      .multi()
      .hmget(xcapKeys.document(d.auid, d.xui, d.path), 'etag', 'body')
      .xrange(xcapKeys.history(d.auid, d.xui, d.path), '-', '+')
      .exec();
    if (r === null) return undefined;
    const [docErr, doc] = r[0] ?? [];
    const [histErr, hist] = r[1] ?? [];
    if (docErr !== null && docErr !== undefined) throw docErr;
    if (histErr !== null && histErr !== undefined) throw histErr;
    const [etag, body] = doc as Array<string | null>;
    if (etag === null || etag === undefined || body === null || body === undefined) return undefined;
    const history: VersionStep[] = [];
    for (const [, fields] of hist as Array<[string, string[]]>) {
      const f = new Map<string, string>();
      for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i] as string, fields[i + 1] as string);
      const prev = f.get('prev');
      const next = f.get('etag');
      const prevBody = f.get('body');
      if (prev !== undefined && next !== undefined && prevBody !== undefined) history.push({ prev, etag: next, prevBody });
    }
    return { etag, body, history };
  }
}

/**
 * The versions from `from` to the current one, each with its body, in order (RFC 5875 §4.7:
 * "the chronological order of XCAP changes"); undefined when the history does not reach back
 * to `from` or has a gap (the caller then reports ETags only, §4.7's fallback).
 */
export function chainFrom(v: DocumentVersions, from: string): Array<{ readonly etag: string; readonly body: string }> | undefined {
  const start = v.history.findIndex((s) => s.prev === from);
  if (start < 0) return undefined;
  const steps = v.history.slice(start);
  const out: Array<{ etag: string; body: string }> = [{ etag: from, body: steps[0]?.prevBody ?? '' }];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] as VersionStep;
    const next = steps[i + 1];
    if (next !== undefined && next.prev !== s.etag) return undefined;
    out.push({ etag: s.etag, body: next === undefined ? v.body : next.prevBody });
  }
  return out[out.length - 1]?.etag === v.etag ? out : undefined;
}
