import type { NatsConnection } from '@nats-io/transport-node';
import { subjects, type EnvelopeFlow } from '@simple/contracts';
import type { Logger, Metrics } from '@simple/platform';
import { parseMessage, serializeMessage, type SipRequest } from '@simple/sip-message';
import type { IncomingRequest, RequestHandler } from '@simple/sip-stack';
import type { Flow } from '@simple/sip-transport';
import type { DigestAuthenticator } from './auth/index.js';
import type { Registrar } from './registrar/index.js';
import { ALLOW, routeRequest } from './routing/service-route.js';
import type { ServiceRequester } from './routing/service-requester.js';
import { SourceRateLimiter } from './routing/source-rate-limiter.js';
import type { LocalDomains } from './local-domains.js';

export interface EdgeCoreDeps {
  readonly edgeId: string;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly nc: NatsConnection;
  readonly registrar: Registrar;
  readonly auth: DigestAuthenticator;
  readonly domains: LocalDomains;
  readonly requester: ServiceRequester;
  readonly trustedPeers: readonly string[];
  readonly rateLimitPerSource: number;
  readonly retryAfterSeconds: number;
}

/** Methods whose out-of-dialog requests from a local user are authenticated (issue: REGISTER, SUBSCRIBE, PUBLISH, MESSAGE). */
const AUTHENTICATED = new Set(['REGISTER', 'SUBSCRIBE', 'PUBLISH', 'MESSAGE']);

/**
 * The edge's transaction user: the short ordered pipeline every request goes
 * through, with one exit that sends one status (STYLE.md, habit 7):
 * rate limit → OPTIONS → local domain → authenticate → register or route to
 * a service over NATS.
 */
export class EdgeCore implements RequestHandler {
  private readonly limiter: SourceRateLimiter;
  private readonly requests;
  private readonly responses;
  private readonly serviceOutcomes;

  constructor(private readonly d: EdgeCoreDeps) {
    this.limiter = new SourceRateLimiter(d.rateLimitPerSource);
    this.requests = d.metrics.counter('sip_requests_total', 'SIP requests taken by the edge (after the transaction layer)', ['method']);
    this.responses = d.metrics.counter('sip_responses_total', 'Final responses the edge sent, by class', ['method', 'class']);
    this.serviceOutcomes = d.metrics.counter('service_requests_total', 'Requests routed to services over NATS, by outcome', ['service', 'outcome']);
  }

  onRequest(inc: IncomingRequest): void {
    this.requests.inc({ method: metricMethod(inc.request.method) });
    this.handle(inc).catch((err: unknown) => {
      this.d.log.error({ err, callId: inc.request.callId }, 'request failed');
      this.answer(inc, 500);
    });
  }

  onFlowClosed(_flow: Flow): void {
    // Bindings keep their flow id; a delivery over a closed flow is answered 430 (RFC 5626 §5.3).
  }

  private answer(inc: IncomingRequest, status: number, reason?: string, headers: ReadonlyArray<readonly [string, string]> = []): void {
    if (inc.answered) return;
    inc.respond(status, { reason, headers });
    this.responses.inc({ method: metricMethod(inc.request.method), class: `${Math.floor(status / 100)}xx` });
  }

  private async handle(inc: IncomingRequest): Promise<void> {
    const req = inc.request;
    const source = inc.flow.remote.address;
    const retryAfter: [string, string] = ['Retry-After', String(this.d.retryAfterSeconds)];

    // Overload is answered, not absorbed: a source over its rate gets 503 (RFC 3261 §21.5.4).
    if (!this.limiter.allow(source)) return this.answer(inc, 503, 'Service Unavailable (rate limit)', [retryAfter]);

    // The edge answers OPTIONS itself (RFC 3261 §11.2).
    if (req.method === 'OPTIONS') {
      return this.answer(inc, 200, undefined, [
        ['Allow', ALLOW],
        ['Accept', 'application/sdp, application/pidf+xml, application/xpidf+xml'],
        ['Supported', 'path, outbound'],
        ['Allow-Events', 'presence, presence.winfo, xcap-diff'],
      ]);
    }

    // Requests for domains this platform does not serve are refused until federation exists.
    const host = req.uri.kind === 'sip' ? req.uri.host : undefined;
    if (host === undefined || !(await this.d.domains.isLocal(host))) {
      return this.answer(inc, 403, 'Forbidden (domain not served here)');
    }

    const inDialog = req.to.tag !== undefined;
    let identity: string | undefined;
    if (!inDialog && AUTHENTICATED.has(req.method) && !this.d.trustedPeers.includes(source)) {
      const fromHost = req.from.uri.kind === 'sip' ? req.from.uri.host : '';
      const local = req.method === 'REGISTER' || (await this.d.domains.isLocal(fromHost));
      // A sender of another domain can only be vouched for by a peer we trust (a
      // federation trunk); from anywhere else it would be an unauthenticated claim.
      if (!local) return this.answer(inc, 403, 'Forbidden (sender of another domain not from a trusted peer)');
      {
        // RFC 3261 §22.3: a registrar challenges with 401; a proxy (the rest) with 407.
        const outcome = await this.d.auth.authenticate(req, req.method === 'REGISTER' ? 'www' : 'proxy');
        if (!outcome.ok) return this.answer(inc, outcome.status, outcome.reason, outcome.headers);
        // The authenticator has checked that the credentials are the To (REGISTER) or From user's.
        identity = outcome.identity;
      }
    }

    const flow = this.envelopeFlow(inc.flow);
    if (req.method === 'REGISTER') {
      const r = await this.d.registrar.register(req, { flow, identity });
      this.answer(inc, r.status, r.reason, r.headers);
      if (r.changed && r.aor !== undefined) {
        const domain = r.aor.slice(r.aor.lastIndexOf('@') + 1);
        this.d.nc.publish(subjects.registrationChanged(domain), JSON.stringify({ aor: r.aor, edgeId: this.d.edgeId, at: Date.now() }));
      }
      return;
    }

    const route = routeRequest(req);
    if (route.kind === 'reject') return this.answer(inc, route.status, route.reason, route.headers);
    await this.forward(inc, route.service, flow, identity, retryAfter);
  }

  private async forward(inc: IncomingRequest, service: string, flow: EnvelopeFlow, identity: string | undefined, retryAfter: [string, string]): Promise<void> {
    const req: SipRequest = inc.request;
    const reply = await this.d.requester.request(service, serializeMessage(req), { flow, identity, receivedAt: Date.now() });
    this.serviceOutcomes.inc({ service, outcome: reply.kind });
    if (reply.kind !== 'reply') {
      // A service that is down, slow or saturated: 503 with Retry-After, in bounded time.
      return this.answer(inc, 503, `Service Unavailable (${service} ${reply.kind})`, [retryAfter]);
    }
    const parsed = parseMessage(Buffer.from(reply.payload));
    if (!parsed.ok || parsed.value.kind !== 'response') {
      this.d.log.warn({ service, callId: req.callId }, 'service replied with something that is not a SIP response');
      return this.answer(inc, 500, 'Server Internal Error (bad service reply)');
    }
    const res = parsed.value;
    if (!inc.answered) {
      inc.respondWith(res);
      this.responses.inc({ method: metricMethod(req.method), class: `${Math.floor(res.status / 100)}xx` });
    }
  }

  private envelopeFlow(flow: Flow): EnvelopeFlow {
    return { edgeId: this.d.edgeId, flowId: flow.id, transport: flow.protocol, remoteAddress: flow.remote.address, remotePort: flow.remote.port };
  }
}

const METHODS = new Set(['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'REGISTER', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'MESSAGE', 'UPDATE', 'INFO', 'REFER', 'PRACK']);

/** Bounded label values: an extension method is "other". */
function metricMethod(m: string): string {
  return METHODS.has(m) ? m : 'other';
}
