// The message router (services/message-router) for bench/message.bench.ts,
// on 127.0.0.1 beside the edge that platform-runner.ts starts, against the
// same NATS and Redis. Ready when its /readyz answers 200.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOwned, type OwnedProcess } from './owned-processes.js';

export interface MessageRouterOptions {
  readonly repoRoot: string;
  /** "source": src/main.ts through tsx; "dist": the built dist/main.js. */
  readonly build: 'source' | 'dist';
  readonly logFile: string;
  readonly opsPort: number;
  readonly redisUrl: string;
  readonly natsUrl: string;
  readonly nodeArgs?: readonly string[];
  readonly extraEnv?: Readonly<Record<string, string>>;
}

export interface MessageRouterServer {
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
  const src = join(o.repoRoot, 'services/message-router/src/main.ts');
  const dist = join(o.repoRoot, 'services/message-router/dist/main.js');
  const args = o.build === 'dist' ? [...(o.nodeArgs ?? []), dist] : ['--conditions=source', '--import', 'tsx', ...(o.nodeArgs ?? []), src];
  const entry = o.build === 'dist' ? dist : src;
  if (!existsSync(entry)) throw new Error(`the message router is not there: ${entry}${o.build === 'dist' ? ' (run npx turbo run build)' : ''}`);
  const env: NodeJS.ProcessEnv = { ...process.env, ...messageRouterEnv(o) };
  delete env.NODE_OPTIONS;
  const proc = await startOwned('message-router', process.execPath, args, { cwd: o.repoRoot, env, logFile: o.logFile });
  const deadline = Date.now() + 45_000;
  for (;;) {
    if (!proc.alive()) throw new Error(`the message router exited before it was ready; last lines of ${o.logFile}:\n${tail(o.logFile)}`);
    try {
      if ((await fetch(`http://127.0.0.1:${o.opsPort}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await proc.stop(3000);
      throw new Error(`the message router was not ready after 45 s; last lines of ${o.logFile}:\n${tail(o.logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
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
