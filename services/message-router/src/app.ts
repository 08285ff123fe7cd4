import { headers as natsHeaders, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { ENVELOPE_HEADERS, readInbound, redisKeys, subjects } from '@simple/contracts';
import { LocationStore } from '@simple/location';
import type { Logger, Metrics, RedisClient } from '@simple/platform';
import { createErrorResponse, parseMessage, serializeMessage } from '@simple/sip-message';
import type { MessageRouterLimits } from './config.js';
import { NatsEdgeClient, type EdgeClient } from './edge-client.js';
import { MessageRouter } from './message-router.js';
import { MessageStore } from './message-store.js';

export const SERVICE = 'message-router';

export interface MessageRouterAppDeps {
  readonly nc: NatsConnection;
  readonly redis: RedisClient;
  readonly log: Logger;
  readonly metrics?: Metrics;
  /** Defaults to request/reply through the edges over `nc`. */
  readonly edges?: EdgeClient;
  /** The service name (subject and queue groups); tests use their own so as not to share a queue group with a running router. */
  readonly service?: string;
}

/**
 * The service around the router: the NATS subscriptions (requests from the
 * edges in the service's queue group; registration events in a queue group
 * of their own, so that one replica acts on each), and in-flight tracking
 * for a drain that lets every started request finish.
 */
export class MessageRouterApp {
  readonly router: MessageRouter;
  private subs: Subscription[] = [];
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(
    private readonly limits: MessageRouterLimits,
    private readonly deps: MessageRouterAppDeps,
  ) {
    const { redis, log } = deps;
    this.router = new MessageRouter({
      locations: new LocationStore({ redis }),
      store: new MessageStore(redis, limits.retentionMs, limits.quota),
      edges: deps.edges ?? new NatsEdgeClient(deps.nc),
      limits,
      userExists: async (aor) => (await redis.exists(redisKeys.user(aor))) === 1,
      log,
      ...(deps.metrics !== undefined ? { metrics: deps.metrics } : {}),
    });
  }

  async start(): Promise<void> {
    const { nc } = this.deps;
    const service = this.deps.service ?? SERVICE;
    this.subs.push(
      nc.subscribe(subjects.sipToService(service), {
        queue: subjects.serviceQueue(service),
        callback: (_err, msg) => this.track(this.onRequest(msg)),
      }),
      nc.subscribe(subjects.registrationChangedAll(), {
        queue: `${subjects.serviceQueue(service)}.registration`,
        callback: (_err, msg) => this.track(this.onRegistration(msg)),
      }),
    );
    await nc.flush();
  }

  /** Stops taking work, then waits for what is in flight. */
  async stop(): Promise<void> {
    await Promise.all(this.subs.map((s) => s.drain().catch(() => undefined)));
    this.subs = [];
    await Promise.allSettled([...this.inflight]);
    await this.router.idle();
  }

  private track(p: Promise<unknown>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  private async onRequest(msg: Msg): Promise<void> {
    try {
      const env = msg.headers === undefined ? undefined : readInbound(msg.headers);
      if (env === undefined) return this.replyError(msg, 'no envelope');
      const bytes = Buffer.from(msg.data);
      const parsed = parseMessage(bytes);
      if (!parsed.ok) {
        const res = createErrorResponse(parsed.error);
        return res === undefined ? this.replyError(msg, `unparseable: ${parsed.error.reason}`) : void msg.respond(serializeMessage(res));
      }
      if (parsed.value.kind !== 'request') return this.replyError(msg, 'not a request');
      const req = parsed.value;
      const answer = await this.router.handle(req, env, bytes.length);
      msg.respond(MessageRouter.respond(req, answer));
    } catch (err) {
      this.deps.log.error({ err }, 'MESSAGE failed');
      this.replyError(msg, 'internal error');
    }
  }

  private async onRegistration(msg: Msg): Promise<void> {
    let aor: unknown;
    try {
      aor = (JSON.parse(Buffer.from(msg.data).toString('utf8')) as { aor?: unknown }).aor;
    } catch {
      return;
    }
    if (typeof aor !== 'string' || aor === '') return;
    const n = await this.router.drain(aor);
    if (n > 0) this.deps.log.info({ aor, delivered: n }, 'stored messages delivered');
  }

  private replyError(msg: Msg, error: string): void {
    if (msg.reply === undefined || msg.reply === '') return;
    const h = natsHeaders();
    h.set(ENVELOPE_HEADERS.error, error);
    msg.respond(new Uint8Array(0), { headers: h });
  }
}
