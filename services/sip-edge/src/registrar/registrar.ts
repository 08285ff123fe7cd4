import type { AorKey, EnvelopeFlow } from '@simple/contracts';
import { H, formatSipDate, type SipRequest, type SipUri } from '@simple/sip-message';
import { LocationStore, addressOfRecord, formatBindingContact, identityAor, type Binding, type BindingChange, type BindingWrite } from '@simple/location';
import { isConnectionOriented, outboundContext } from './outbound.js';
import { RegistrarError, accept, refuse, type Step } from './registrar-error.js';
import { registrarSettings, systemWallClock, type RegistrarOptions, type RegistrarSettings, type WallClock } from './registrar-options.js';
import { readContactList, readRequestedBindings } from './requested-binding.js';

/** What the edge knows of a REGISTER beyond the message. */
export interface RegisterContext {
  /** The flow the REGISTER arrived on. */
  readonly flow: EnvelopeFlow;
  /** The digest-authenticated AOR (`user@domain`); undefined for a trusted peer. */
  readonly identity?: string | undefined;
}

/** The response to send, plus what the edge needs to announce the registration. */
export interface RegistrarResult {
  readonly status: number;
  readonly reason?: string;
  readonly headers: Array<[string, string]>;
  /** The canonical AOR (`user@domain`), once the To header was read. */
  readonly aor?: AorKey;
  /** True when the AOR's bindings changed (added, removed, lapsed, or moved to another Contact, Path or flow). */
  readonly changed: boolean;
  /** On 200: the AOR's live bindings after the request, in location-service order. */
  readonly bindings?: readonly Binding[];
  /** On 500: the error that caused it, for the log. */
  readonly error?: unknown;
}

/** RFC 3261 §10.3 step 7: 423 only for a requested interval "smaller than one hour". */
const ONE_HOUR = 3600;

/** What the checks of a REGISTER decided, before the store applies it. */
interface RegisterPlan {
  readonly aor: AorKey;
  readonly callId: string;
  readonly cseq: number;
  readonly change: BindingChange;
  readonly path: readonly string[];
  readonly requireOutbound: boolean;
  readonly flowTimer: number | undefined;
}

/**
 * The registrar of the SIP edge: RFC 3261 §10.3 with Path (RFC 3327) and
 * Outbound (RFC 5626 §6), over the Redis location store. `register` runs the
 * steps of §10.3 in order and returns one computed response; nothing is
 * published here (the edge announces a change when `changed` is true).
 */
export class Registrar {
  readonly store: LocationStore;
  readonly settings: RegistrarSettings;
  private readonly clock: WallClock;
  private readonly isLocalDomain: (domain: string) => boolean | Promise<boolean>;

  constructor(opts: RegistrarOptions) {
    this.settings = registrarSettings(opts);
    this.clock = opts.clock ?? systemWallClock;
    this.isLocalDomain = (d) => opts.isLocalDomain(d);
    this.store = new LocationStore({ redis: opts.redis, clock: this.clock, keyGraceMs: this.settings.keyGraceMs });
  }

  async register(req: SipRequest, ctx: RegisterContext): Promise<RegistrarResult> {
    const now = this.clock.now();
    let plan: RegisterPlan;
    let outcome;
    try {
      const planned = await this.plan(req, ctx, now);
      if (!planned.ok) return refusal(planned.error);
      plan = planned.value;
      outcome = await this.store.apply({ aor: plan.aor, callId: plan.callId, cseq: plan.cseq, now, change: plan.change });
    } catch (err) {
      // RFC 3261 §10.3 step 7: "If any one of them fails (for example, because
      // the back-end database commit failed), the request MUST fail with a 500
      // (Server Error) response and all tentative binding updates MUST be removed."
      // The script commits all or nothing, so nothing tentative is left.
      return { status: 500, reason: 'Server Internal Error', headers: [], changed: false, error: err };
    }
    if (!outcome.applied) {
      // RFC 3261 §10.3 steps 6-7: same Call-ID, CSeq not higher: "the update
      // MUST be aborted and the request fails" - with 500, as step 7 says of
      // a request whose binding updates do not all succeed.
      return { status: 500, reason: 'Server Internal Error (out-of-order REGISTER)', headers: [], aor: plan.aor, changed: false };
    }
    // RFC 3261 §10.3 step 8: "The response MUST contain Contact header field
    // values enumerating all current bindings. Each Contact value MUST feature
    // an "expires" parameter ... The response SHOULD include a Date header field."
    const headers: Array<[string, string]> = outcome.after.map((b) => ['Contact', formatBindingContact(b, now)]);
    // RFC 3327 §5.3: "The registrar copies the Path header field values into a
    // Path header field in the successful (200 class) REGISTER response."
    if (plan.path.length > 0) headers.push(['Path', plan.path.join(', ')]);
    if (plan.requireOutbound) headers.push(['Require', 'outbound']);
    if (plan.flowTimer !== undefined) headers.push(['Flow-Timer', String(plan.flowTimer)]);
    headers.push(['Supported', 'path, outbound']);
    headers.push(['Date', formatSipDate(new Date(now))]);
    return { status: 200, reason: 'OK', headers, aor: plan.aor, changed: outcome.changed, bindings: outcome.after };
  }

  /** The live bindings of an AOR (`user@domain`, or the AOR's URI), q descending then most recent first. */
  async lookup(aor: string | SipUri): Promise<Binding[]> {
    return this.store.lookup(typeof aor === 'string' ? aor : addressOfRecord(aor));
  }

  /** RFC 3261 §10.3 steps 1-7, up to the store: every check, no side effect. */
  private async plan(req: SipRequest, ctx: RegisterContext, now: number): Promise<Step<RegisterPlan>> {
    const s = this.settings;
    if (req.method !== 'REGISTER') return refuse(405, 'Method Not Allowed', [['Allow', 'REGISTER']]);

    // Step 1: "The registrar inspects the Request-URI to determine whether it
    // has access to bindings for the domain identified in the Request-URI."
    // This registrar does not proxy the REGISTER elsewhere: it answers 404.
    if (req.uri.kind !== 'sip') return refuse(416, 'Unsupported URI Scheme');
    if (!(await this.isLocalDomain(req.uri.host.toLowerCase()))) return refuse(404, 'Not Found (domain not served here)');

    // Step 2 (Require, RFC 3261 §8.2.2.3) is the edge's, before the registrar.

    const to = req.headers.typed(H.to);
    if (!to.ok || to.value === undefined) return refuse(400, to.ok ? 'Missing To' : to.error.reason);
    // §10.2: the AOR "MUST be a SIP URI or SIPS URI"; RFC 4475 §3.3.4: "A
    // registrar would reject this request with a 400 (Bad Request) response".
    const toUri = to.value.uri;
    if (toUri.kind !== 'sip') return refuse(400, 'Bad Request (To is not a SIP or SIPS URI)');
    const aor = addressOfRecord(toUri);

    // Steps 3-4: the edge authenticated the UAC; "If the authenticated user is
    // not authorized to modify bindings, the registrar MUST return a 403
    // (Forbidden)". Only the AOR's own user may (no third-party registration).
    if (ctx.identity !== undefined && identityAor(ctx.identity) !== aor) return refuse(403, 'Forbidden (identity does not match the To AOR)');

    // Step 5: "If the address-of-record is not valid for the domain in the
    // Request-URI, the registrar MUST send a 404 (Not Found) response".
    if (toUri.user === undefined || !(await this.isLocalDomain(toUri.host.toLowerCase()))) return refuse(404, 'Not Found');

    const callId = req.headers.typed(H.callId);
    const cseq = req.headers.typed(H.cseq);
    const expires = req.headers.typed(H.expires);
    const pathHeader = req.headers.typed(H.path);
    const supportedHeader = req.headers.typed(H.supported);
    const vias = req.headers.typed(H.via);
    for (const r of [callId, cseq, expires, pathHeader, supportedHeader, vias]) if (!r.ok) return refuse(400, r.error.reason, [], r.error);
    if (!callId.ok || callId.value === undefined || !cseq.ok || cseq.value === undefined || !vias.ok || vias.value === undefined) {
      return refuse(400, 'Bad Request (missing Call-ID, CSeq or Via)');
    }
    const expiresHeader = expires.ok ? expires.value : undefined;
    const path = pathHeader.ok ? (pathHeader.value ?? []) : [];
    const supported = supportedHeader.ok ? (supportedHeader.value ?? []) : [];

    // RFC 3327 §5.3: "If a registrar receives a REGISTER request containing a
    // Path header field and there is no indication of support for the
    // extension in the UA ... The recommended policy is for the registrar to
    // reject the request with a 420 "Bad Extension" response".
    if (path.length > 0 && !s.acceptPathWithoutSupport && !supported.some((t) => t.toLowerCase() === 'path')) {
      return refuse(420, 'Bad Extension', [['Unsupported', 'path']]);
    }

    const contacts = readContactList(req);
    if (!contacts.ok) return contacts;
    const base = { aor, callId: callId.value, cseq: cseq.value.seq, path: path.map((p) => p.toString()) };

    // Step 6: "If not, it skips to the last step."
    if (contacts.value === undefined) return accept({ ...base, change: { kind: 'fetch' }, requireOutbound: false, flowTimer: undefined });
    // Step 6: "*" must be the one Contact and come with Expires: 0, "If the
    // request has additional Contact fields or an expiration time other than
    // zero, the request is invalid, and the server MUST return a 400".
    if (contacts.value.star) {
      if (expiresHeader !== 0) return refuse(400, 'Bad Request (Contact: * needs Expires: 0)');
      return accept({ ...base, change: { kind: 'remove-all' }, requireOutbound: false, flowTimer: undefined });
    }

    const outbound = outboundContext(vias.value.length, path, supported);
    const requested = readRequestedBindings(contacts.value.contacts, expiresHeader, s.defaultExpires, outbound);
    if (!requested.ok) return requested;

    // Step 7: "If and only if the requested expiration interval is greater
    // than zero AND smaller than one hour AND less than a registrar-configured
    // minimum, the registrar MAY reject the registration with a response of
    // 423 (Interval Too Brief). This response MUST contain a Min-Expires header field".
    if (requested.value.some((r) => r.requestedExpires > 0 && r.requestedExpires < ONE_HOUR && r.requestedExpires < s.minExpires)) {
      return refuse(423, 'Interval Too Brief', [['Min-Expires', String(s.minExpires)]]);
    }

    const writes: BindingWrite[] = requested.value.map((r): BindingWrite => {
      // "0 removes"; else "The registrar MAY choose an expiration less than the requested expiration interval."
      if (r.requestedExpires === 0) return { key: r.key };
      const binding: Binding = {
        key: r.key,
        contact: r.contact,
        params: r.params,
        q: r.q,
        expiresAt: now + Math.min(r.requestedExpires, s.maxExpires) * 1000,
        callId: base.callId,
        cseq: base.cseq,
        path: base.path,
        ...(r.instanceId !== undefined ? { instanceId: r.instanceId } : {}),
        ...(r.regId !== undefined ? { regId: r.regId } : {}),
        flow: ctx.flow,
        outbound: r.regId !== undefined,
        receivedAt: now,
      };
      return { key: r.key, binding };
    });

    // RFC 5626 §6: "Provided that the UAC had included an outbound option-tag
    // ... in a Supported header field value in the REGISTER request, the
    // registrar MUST include the outbound option-tag in a Require header field
    // value in its response"; and if no reg-id was honoured it "MUST NOT".
    const requireOutbound = outbound.supported && requested.value.some((r) => r.regId !== undefined);
    // RFC 5626 §6: "Registrars with a direct flow with a UA MAY include a
    // Flow-Timer header in a 2xx class registration response that includes the
    // outbound option-tag in the Require header"; CRLF keep-alives are for
    // connection-oriented flows (§4.4.1), UDP keeps its STUN default (§4.4.2).
    const flowTimer = requireOutbound && outbound.firstHop && isConnectionOriented(ctx.flow.transport) ? s.flowTimer : undefined;
    return accept({ ...base, change: { kind: 'update', writes }, requireOutbound, flowTimer });
  }
}

function refusal(e: RegistrarError): RegistrarResult {
  return { status: e.status, reason: e.reason, headers: e.headers.map(([n, v]) => [n, v]), changed: false };
}
