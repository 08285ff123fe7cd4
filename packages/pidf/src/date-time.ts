/**
 * RFC 3339 date-time (the "IMPP datetime format" of RFC 3863 §4.1.7, also xs:dateTime
 * with a zone) to milliseconds since the epoch; undefined when it is not one.
 * Timestamps that contain 'T' or 'Z' MUST use the capitalized forms (RFC 3863 §4.1.7),
 * so lower-case ones are refused.
 */
export function parseDateTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(value.trim());
  if (m === null) return undefined;
  const ms = Date.parse(value.trim());
  return Number.isNaN(ms) ? undefined : ms;
}

/** Milliseconds since the epoch to an RFC 3339 UTC timestamp (`2005-05-30T22:00:29Z`, milliseconds when not zero). */
export function formatDateTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
