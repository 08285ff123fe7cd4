// Our platform under test: the SIP edge (services/sip-edge) on 127.0.0.1,
// against the NATS and Redis this machine already runs (the harness never
// starts or stops those; it only finds their PIDs to count their CPU).
import { startNodeService, type NodeService, type ServiceBuild } from './node-service-runner.js';
import { pidListeningOnTcp } from './process-cpu.js';
import { waitForSipResponse } from './sip-ping.js';

export interface PlatformOptions {
  /** The repository root (the edge is started from there). */
  readonly repoRoot: string;
  /** "source": src/main.ts through tsx; "dist": the built dist/main.js (npx turbo run build first). */
  readonly build: ServiceBuild;
  readonly logFile: string;
  readonly udpPort: number;
  readonly tcpPort: number;
  readonly opsPort: number;
  readonly redisUrl: string;
  readonly natsUrl: string;
  readonly authSecret: string;
  /** Node options put before the entry point (e.g. --cpu-prof, --max-old-space-size=...). */
  readonly nodeArgs?: readonly string[];
  /** More SIMPLE_* settings (they win over the bench's). */
  readonly extraEnv?: Readonly<Record<string, string>>;
}

export type PlatformServer = NodeService;

/** The edge's environment for a bench run (services/sip-edge/src/config.ts). */
export function edgeEnv(o: PlatformOptions): Record<string, string> {
  return {
    SIMPLE_SIP_LISTEN: '127.0.0.1',
    SIMPLE_SIP_ADVERTISED_HOST: '127.0.0.1',
    SIMPLE_SIP_UDP_PORT: String(o.udpPort),
    SIMPLE_SIP_TCP_PORT: String(o.tcpPort),
    SIMPLE_SIP_TRANSPORTS: 'udp,tcp',
    SIMPLE_OPS_LISTEN: '127.0.0.1',
    SIMPLE_OPS_PORT: String(o.opsPort),
    SIMPLE_AUTH_SECRET: o.authSecret,
    SIMPLE_REDIS_URL: o.redisUrl,
    SIMPLE_NATS_URL: o.natsUrl,
    // one source address sends the whole load: no per-source limit for the bench
    SIMPLE_RATE_LIMIT_PER_SOURCE: '1000000',
    SIMPLE_LOG_LEVEL: 'warn',
    // SIPp 3.6.1 answers only the first challenge and knows MD5 only; Kamailio
    // offers MD5 only: challenge with MD5 alone, as the reference does.
    SIMPLE_AUTH_ALGORITHMS: 'MD5',
    ...(o.extraEnv ?? {}),
  };
}

/** Starts the edge and waits until it answers OPTIONS on its UDP port. */
export async function startPlatform(o: PlatformOptions): Promise<PlatformServer> {
  return startNodeService({
    name: 'sip-edge',
    repoRoot: o.repoRoot,
    serviceDir: 'services/sip-edge',
    build: o.build,
    logFile: o.logFile,
    env: edgeEnv(o),
    nodeArgs: o.nodeArgs,
    // the first start through tsx compiles the sources: allow for it
    ready: (proc) => waitForSipResponse({ host: '127.0.0.1', port: o.udpPort, timeoutMs: 45_000, stillRunning: () => proc.alive() }).then(() => undefined),
  });
}

/** Port of a tcp URL such as nats://127.0.0.1:4222 or redis://127.0.0.1:6379/9. */
export function portOf(url: string, fallback: number): number {
  try {
    const p = new URL(url).port;
    return p === '' ? fallback : Number(p);
  } catch {
    return fallback;
  }
}

/** PIDs of the nats-server and redis-server the edge talks to (undefined if not found). */
export function backendPids(natsUrl: string, redisUrl: string): { nats: number | undefined; redis: number | undefined } {
  return {
    nats: pidListeningOnTcp(portOf(natsUrl, 4222), 'nats-server'),
    redis: pidListeningOnTcp(portOf(redisUrl, 6379), 'redis-server'),
  };
}
