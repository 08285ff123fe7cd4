import type { XcapDocumentReader, XcapDocumentVersions } from '@simple/xcap-grpc';
import type { WatchedDocument } from './watch-list.js';

/**
 * What the notifier reads of the XCAP server, through its gRPC read API
 * (proto/simple/xcap/v1): the directory index of a tree, a document, and a document with
 * the versions it went through since the watcher's (the server keeps a short history for
 * these patches). No cache: each NOTIFY is composed from what the server has at that moment.
 */
export class XcapDocuments {
  constructor(private readonly reader: XcapDocumentReader) {}

  /** `<auid>/<path>` → ETag for every document of one user's tree. */
  async directory(xui: string): Promise<Map<string, string>> {
    return new Map((await this.reader.list(xui)).map((d) => [`${d.auid}/${d.path}`, d.etag]));
  }

  async body(d: WatchedDocument): Promise<{ readonly etag: string; readonly body: string } | undefined> {
    const r = await this.reader.get(d);
    return r.kind === 'document' ? { etag: r.etag, body: r.body } : undefined;
  }

  /** The document now and its replacements since `since`, read together on the server. */
  versions(d: WatchedDocument, since: string): Promise<XcapDocumentVersions | undefined> {
    return this.reader.versions(d, since);
  }
}

/**
 * The versions from `from` to the current one, each with its body, in order (RFC 5875 §4.7:
 * "the chronological order of XCAP changes"); undefined when the history does not start at
 * `from` or has a gap (the caller then reports ETags only, §4.7's fallback).
 */
export function chainFrom(v: XcapDocumentVersions, from: string): Array<{ readonly etag: string; readonly body: string }> | undefined {
  const steps = v.history;
  if (steps[0]?.previousEtag !== from) return undefined;
  const out: Array<{ etag: string; body: string }> = [{ etag: from, body: steps[0].previousBody }];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] as XcapDocumentVersions['history'][number];
    const next = steps[i + 1];
    if (next !== undefined && next.previousEtag !== s.etag) return undefined;
    out.push({ etag: s.etag, body: next === undefined ? v.body : next.previousBody });
  }
  return out[out.length - 1]?.etag === v.etag ? out : undefined;
}
