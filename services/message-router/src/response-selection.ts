/**
 * RFC 3261 §16.7 step 6, simplified for a non-INVITE fork whose branches have
 * all ended: a 2xx wins at once (the caller answers with the first one); else
 * a 6xx; else the lowest status of the lowest class, preferring 4xx over 5xx
 * ("the proxy SHOULD give preference to responses that provide information
 * affecting resubmission of this request"); a 503 is sent on as 500 (§16.7
 * step 6: "the proxy SHOULD NOT forward a 503"), and 430, which only means
 * something on the hop that saw the flow fail (RFC 5626 §11.5), as 480.
 */
export function selectFinalStatus(statuses: readonly number[]): number {
  if (statuses.length === 0) return 480;
  const success = statuses.find((s) => s >= 200 && s < 300);
  if (success !== undefined) return success;
  const global = statuses.filter((s) => s >= 600).sort((a, b) => a - b)[0];
  if (global !== undefined) return global;
  const client = statuses.filter((s) => s >= 400 && s < 500).sort((a, b) => a - b)[0];
  const best = client ?? [...statuses].sort((a, b) => a - b)[0] ?? 500;
  if (best === 503) return 500;
  if (best === 430) return 480;
  return best;
}
