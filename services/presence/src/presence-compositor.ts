import type { Clock } from '@simple/clock';
import type { InboundEnvelope } from '@simple/contracts';
import { parsePidf } from '@simple/pidf';
import type { RedisClient } from '@simple/platform';
import { H, createResponse, mediaTypeName, newTag, type SipRequest, type SipResponse } from '@simple/sip-message';
import type { ExpiryBoundsConfig } from './config.js';
import { PublicationStore, type PublicationOp } from './publication-store.js';

export const PIDF = 'application/pidf+xml';
export const EVENT = 'presence';

/** How a PUBLISH ended, for metrics (`simple_presence_publications_total{result}`). */
export type PublishResultLabel = 'initial' | 'refresh' | 'modify' | 'remove' | 'rejected';

export interface PublishOutcome {
  readonly response: SipResponse;
  readonly result: PublishResultLabel;
  /** The presentity, when its state changed (not for a refresh: RFC 3903 §4.1, the state stays). */
  readonly changed: string | undefined;
  /** The presentity the request named, when it named one. */
  readonly presentity: string | undefined;
}

export interface PresenceCompositorOptions {
  readonly redis: RedisClient;
  readonly clock: Clock;
  readonly expires: ExpiryBoundsConfig;
  readonly maxBodyBytes?: number;
}

type Header = readonly [string, string];
type Refusal = { readonly ok: false; readonly status: number; readonly reason?: string; readonly headers?: readonly Header[] };
type Check = { readonly ok: true } | Refusal;
const refuse = (status: number, reason?: string, headers?: readonly Header[]): Refusal => ({ ok: false, status, reason, headers });

/**
 * The event state compositor for the presence event package (RFC 3903 §6):
 * takes PUBLISH requests in the order of §6's processing steps and keeps each
 * presentity's publications in Redis (`PublicationStore`). Every response is
 * computed here; the caller sends it and announces a change.
 */
export class PresenceCompositor {
  readonly store: PublicationStore;
  private readonly maxBodyBytes: number;

  constructor(private readonly o: PresenceCompositorOptions) {
    this.store = new PublicationStore(o.redis);
    this.maxBodyBytes = o.maxBodyBytes ?? 65_536;
  }

  async handlePublish(req: SipRequest, inbound: InboundEnvelope | undefined): Promise<PublishOutcome> {
    const rejected = (c: Refusal, presentity?: string): PublishOutcome => ({
      response: this.respond(req, c.status, { reason: c.reason, headers: c.headers }),
      result: 'rejected',
      changed: undefined,
      presentity,
    });

    // RFC 3903 §6 step 1 (and RFC 3261 §8.2.2.1): the Request-URI names the presentity.
    const uri = req.uri;
    if (uri.kind !== 'sip' || uri.user === undefined) return rejected(refuse(404, 'Not Found (no presentity in the Request-URI)'));
    const aor = uri.aor;

    // Step 2: authorization. The edge authenticated the sender; only the presentity publishes its own state.
    // A request without identity came from a trusted peer (SIMPLE_TRUSTED_PEERS).
    if (inbound?.identity !== undefined && inbound.identity.toLowerCase() !== aor.toLowerCase()) {
      return rejected(refuse(403, 'Forbidden (publishing for another presentity)'), aor);
    }

    // Step 3: the event package (RFC 3903 §6 step 3: 489 with Allow-Events).
    const ev = req.headers.typed(H.event);
    if (!ev.ok) return rejected(refuse(400, ev.error.reason), aor);
    if (ev.value === undefined || ev.value.type.toLowerCase() !== EVENT) return rejected(refuse(489, undefined, [['Allow-Events', EVENT]]), aor);

    // Step 4: SIP-If-Match names a live publication, else 412.
    const ifMatch = req.headers.typed(H.sipIfMatch);
    if (!ifMatch.ok) return rejected(refuse(400, ifMatch.error.reason), aor);
    const etag = ifMatch.value;
    const now = this.o.clock.now();
    if (etag !== undefined && !(await this.store.has(aor, etag, now))) return rejected(refuse(412), aor);

    // Step 5: the expiration interval.
    const exp = req.headers.typed(H.expires);
    if (!exp.ok) return rejected(refuse(400, exp.error.reason), aor);
    const b = this.o.expires;
    let expires = exp.value ?? b.default;
    if (expires !== 0 && expires < b.min) return rejected(refuse(423, undefined, [['Min-Expires', String(b.min)]]), aor);
    expires = Math.min(expires, b.max);

    // Step 6: the body: a new publication needs one; a refresh has none (RFC 3903 §4.1).
    const hasBody = req.body.length > 0;
    let op: PublicationOp;
    if (expires === 0) {
      if (etag === undefined) return rejected(refuse(400, 'Bad Request (Expires 0 without SIP-If-Match)'), aor);
      op = { kind: 'remove', etag };
    } else if (!hasBody) {
      if (etag === undefined) return rejected(refuse(400, 'Bad Request (initial PUBLISH without a body)'), aor);
      op = { kind: 'refresh', etag, expires };
    } else {
      const body = this.checkBody(req);
      if (!body.ok) return rejected(body, aor);
      op = etag === undefined ? { kind: 'initial', body: req.body.toString('utf8'), expires } : { kind: 'modify', etag, body: req.body.toString('utf8'), expires };
    }

    // Steps 7-8: apply atomically (another replica may have changed the entity-tag since step 4).
    const r = await this.store.apply(aor, op, now);
    if (!r.ok) return rejected(refuse(412), aor);
    // RFC 3903 §6 step 8 / §11.3: 2xx carries SIP-ETag and the Expires granted.
    const headers: Header[] = [['Expires', String(op.kind === 'remove' ? 0 : expires)]];
    if (r.etag !== undefined) headers.unshift(['SIP-ETag', r.etag]);
    return { response: this.respond(req, 200, { headers }), result: op.kind, changed: op.kind === 'refresh' ? undefined : aor, presentity: aor };
  }

  /** RFC 3903 §6 step 6: PIDF only (415 with Accept otherwise), and it must parse (400). */
  private checkBody(req: SipRequest): Check {
    if (req.body.length > this.maxBodyBytes) return refuse(413);
    const ct = req.headers.typed(H.contentType);
    if (!ct.ok) return refuse(400, ct.error.reason);
    if (ct.value === undefined || mediaTypeName(ct.value).toLowerCase() !== PIDF) return refuse(415, undefined, [['Accept', PIDF]]);
    const doc = parsePidf(req.body);
    if (!doc.ok) return refuse(400, `Bad Request (PIDF: ${doc.error.code})`);
    return { ok: true };
  }

  private respond(req: SipRequest, status: number, o: { reason?: string | undefined; headers?: readonly Header[] | undefined }): SipResponse {
    // PUBLISH makes no dialog, but a UAS tags the To of its final responses (RFC 3261 §8.2.6.2).
    return createResponse(req, status, { reason: o.reason, headers: o.headers, toTag: newTag() });
  }
}
