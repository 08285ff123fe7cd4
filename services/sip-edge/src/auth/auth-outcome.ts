/**
 * Which pair of headers a challenge uses (RFC 3261 §22.2, §22.3): `www` is a
 * registrar's or UAS's 401 with WWW-Authenticate, answered in Authorization;
 * `proxy` is a proxy's 407 with Proxy-Authenticate, answered in
 * Proxy-Authorization. The edge uses `www` for REGISTER and `proxy` for
 * SUBSCRIBE, PUBLISH and MESSAGE, as Kamailio's reference configuration does.
 */
export type AuthKind = 'www' | 'proxy';

/**
 * The result of authenticating one request: the authenticated address of
 * record (`user@domain`), or the response to send. For 401/407 `headers`
 * holds the challenges (one per algorithm, preferred first); for 400 and 403
 * it is empty and `reason` names the defect or the refusal, fit for the
 * status line.
 */
export type AuthOutcome =
  | { ok: true; identity: string }
  | { ok: false; status: 401 | 407 | 403 | 400; reason?: string; headers: Array<[string, string]> };
