// Our platform under test: the SIP edge (services/sip-edge) on 127.0.0.1,
// against the NATS and Redis this machine already runs (the harness never
// starts or stops those; it only finds their PIDs to count their CPU).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOwned, type OwnedProcess } from './owned-processes.js';
import { pidListeningOnTcp } from './process-cpu.js';
import { waitForSipResponse } from './sip-ping.js';

export interface PlatformOptions {
  /** The repository root (the edge is started from there). */
  readonly repoRoot: string;
  /** "source": src/main.ts through tsx; "dist": the built dist/main.js (npx turbo run build first). */
  readonly build: 'source' | 'dist';
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

export interface PlatformServer {
  readonly process: OwnedProcess;
  readonly pid: number;
  readonly logFile: string;
  readonly command: string;
  stop(): Promise<void>;
}

function tail(path: string, lines = 20): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

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
  const src = join(o.repoRoot, 'services/sip-edge/src/main.ts');
  const dist = join(o.repoRoot, 'services/sip-edge/dist/main.js');
  // the edge's own Node options after the tsx loader (they may load .ts themselves)
  const args = o.build === 'dist' ? [...(o.nodeArgs ?? []), dist] : ['--conditions=source', '--import', 'tsx', ...(o.nodeArgs ?? []), src];
  const entry = o.build === 'dist' ? dist : src;
  if (!existsSync(entry)) {
    throw new Error(`the SIP edge is not there: ${entry}${o.build === 'dist' ? ' (run npx turbo run build, or use --edge-build source)' : ''}`);
  }
  const env: NodeJS.ProcessEnv = { ...process.env, ...edgeEnv(o) };
  // The harness's own Node options (tsx loader, conditions) are not the edge's.
  delete env.NODE_OPTIONS;
  const proc = await startOwned('sip-edge', process.execPath, args, { cwd: o.repoRoot, env, logFile: o.logFile });
  try {
    // the first start through tsx compiles the sources: allow for it
    await waitForSipResponse({ host: '127.0.0.1', port: o.udpPort, timeoutMs: 45_000, stillRunning: () => proc.alive() });
  } catch (err) {
    await proc.stop(3000);
    throw new Error(`the SIP edge did not start (${(err as Error).message}); last lines of ${o.logFile}:\n${tail(o.logFile)}`);
  }
  return {
    process: proc,
    pid: proc.pid,
    logFile: o.logFile,
    command: `node ${args.map((a) => a.replace(o.repoRoot + '/', '')).join(' ')}`,
    stop: async () => {
      await proc.stop(8000);
    },
  };
}

/** Port of a tcp URL such as nats://127.0.0.1:4222 or redis://127.0.0.1:6379/9. */
function portOf(url: string, fallback: number): number {
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
