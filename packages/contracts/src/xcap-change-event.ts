/**
 * The change event the XCAP server publishes on `xcapSubjects.documentChanged(auid)`
 * for every create, change and delete of a document (RFC 4825 §8.5: each change
 * gives the document a new ETag). Readers that cache documents (the gRPC
 * XcapDocumentReader, xcap-diff) drop what they hold when one arrives.
 */
export interface XcapChangeEvent {
  readonly auid: string;
  /** The user's XUI (RFC 4825 §6.2); absent for the global tree. */
  readonly xui?: string;
  /** The document's path inside its tree. */
  readonly document: string;
  /** The ETag before the change; absent on create, and for a generated document (rls-services global index). */
  readonly oldEtag?: string;
  /** The ETag after the change; absent on delete. */
  readonly newEtag?: string;
  /** True for a generated document (rls-services' global index): it changed; no ETags are given. */
  readonly generated?: true;
  /** When the change was committed, ms since the epoch. */
  readonly at: number;
}

export type XcapChangeEventResult = { readonly ok: true; readonly value: XcapChangeEvent } | { readonly ok: false; readonly error: string };

/** Reads an event from its JSON (untrusted bytes off NATS); never throws. */
export function parseXcapChangeEvent(json: string): XcapChangeEventResult {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, error: 'not an object' };
  const o = v as Record<string, unknown>;
  if (typeof o.auid !== 'string' || o.auid === '') return { ok: false, error: 'auid missing' };
  if (typeof o.document !== 'string' || o.document === '') return { ok: false, error: 'document missing' };
  if (typeof o.at !== 'number' || !Number.isFinite(o.at)) return { ok: false, error: 'at missing' };
  for (const k of ['xui', 'oldEtag', 'newEtag'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'string') return { ok: false, error: `${k} is not a string` };
  }
  return {
    ok: true,
    value: {
      auid: o.auid,
      document: o.document,
      at: o.at,
      ...(typeof o.xui === 'string' ? { xui: o.xui } : {}),
      ...(typeof o.oldEtag === 'string' ? { oldEtag: o.oldEtag } : {}),
      ...(typeof o.newEtag === 'string' ? { newEtag: o.newEtag } : {}),
      ...(o.generated === true ? { generated: true as const } : {}),
    },
  };
}
