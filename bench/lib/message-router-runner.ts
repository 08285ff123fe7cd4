// The message router (services/message-router) for bench/message.bench.ts,
// on 127.0.0.1 beside the edge that platform-runner.ts starts, against the
// same NATS and Redis. Ready when its /readyz answers 200.
import { startNodeService, waitForHttp, type NodeService, type ServiceBuild } from './node-service-runner.js';

export interface MessageRouterOptions {
  readonly repoRoot: string;
  /** "source": src/main.ts through tsx; "dist": the built dist/main.js. */
  readonly build: ServiceBuild;
  readonly logFile: string;
  readonly opsPort: number;
  readonly redisUrl: string;
  readonly natsUrl: string;
  readonly nodeArgs?: readonly string[];
  readonly extraEnv?: Readonly<Record<string, string>>;
}

export type MessageRouterServer = NodeService;

/** The router's environment for a bench run (services/message-router/src/config.ts). */
export function messageRouterEnv(o: MessageRouterOptions): Record<string, string> {
  return {
    SIMPLE_NATS_URL: o.natsUrl,
    SIMPLE_REDIS_URL: o.redisUrl,
    SIMPLE_OPS_LISTEN: '127.0.0.1',
    SIMPLE_OPS_PORT: String(o.opsPort),
    SIMPLE_LOG_LEVEL: 'warn',
    // the bench's senders are few users sending a lot: no per-sender limit
    SIMPLE_MESSAGE_RATE_PER_SENDER: '1000000',
    SIMPLE_MESSAGE_BURST_PER_SENDER: '1000000',
    ...(o.extraEnv ?? {}),
  };
}

export async function startMessageRouter(o: MessageRouterOptions): Promise<MessageRouterServer> {
  return startNodeService({
    name: 'message-router',
    repoRoot: o.repoRoot,
    serviceDir: 'services/message-router',
    build: o.build,
    logFile: o.logFile,
    env: messageRouterEnv(o),
    nodeArgs: o.nodeArgs,
    ready: (proc) => waitForHttp(`http://127.0.0.1:${o.opsPort}/readyz`, proc, 45_000, 200),
  });
}
