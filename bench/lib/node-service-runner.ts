// One of our Node services started for a bench (the SIP edge, the message
// router, the XCAP server): from its sources through tsx or its built
// dist/main.js, on 127.0.0.1, with the bench's SIMPLE_* settings, stopped by
// PID (owned-processes.ts). Ready when the caller's check passes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOwned, type OwnedProcess } from './owned-processes.js';

export type ServiceBuild = 'source' | 'dist';

export interface NodeServiceOptions {
  /** Shown in messages and used as the process's name ("sip-edge"). */
  readonly name: string;
  /** The repository root (the service is started from there). */
  readonly repoRoot: string;
  /** The service's folder under the root ("services/sip-edge"). */
  readonly serviceDir: string;
  /** "source": src/main.ts through tsx; "dist": the built dist/main.js (npx turbo run build first). */
  readonly build: ServiceBuild;
  readonly logFile: string;
  /** The service's settings (SIMPLE_*), over the harness's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Node options put before the entry point (e.g. --cpu-prof, --max-old-space-size=...). */
  readonly nodeArgs?: readonly string[];
  /** Resolves when the service answers; rejects to give up. Called once, after the start. */
  readonly ready: (proc: OwnedProcess) => Promise<void>;
  /** How long the stop waits after SIGTERM before SIGKILL (default 8 s: the service drains). */
  readonly stopGraceMs?: number;
}

export interface NodeService {
  readonly process: OwnedProcess;
  readonly pid: number;
  readonly logFile: string;
  /** The command line, relative to the repository root, for the report. */
  readonly command: string;
  stop(): Promise<void>;
}

/** The last lines of a log file, for an error message. */
export function tailOf(path: string, lines = 20): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Starts the service and waits until `ready` passes; stops it again when it does not. */
export async function startNodeService(o: NodeServiceOptions): Promise<NodeService> {
  const src = join(o.repoRoot, o.serviceDir, 'src/main.ts');
  const dist = join(o.repoRoot, o.serviceDir, 'dist/main.js');
  // the service's own Node options after the tsx loader (they may load .ts themselves)
  const args = o.build === 'dist' ? [...(o.nodeArgs ?? []), dist] : ['--conditions=source', '--import', 'tsx', ...(o.nodeArgs ?? []), src];
  const entry = o.build === 'dist' ? dist : src;
  if (!existsSync(entry)) {
    throw new Error(`${o.name} is not there: ${entry}${o.build === 'dist' ? ' (run npx turbo run build, or run it from source)' : ''}`);
  }
  const env: NodeJS.ProcessEnv = { ...process.env, ...o.env };
  // The harness's own Node options (tsx loader, conditions) are not the service's.
  delete env.NODE_OPTIONS;
  const proc = await startOwned(o.name, process.execPath, args, { cwd: o.repoRoot, env, logFile: o.logFile });
  try {
    await o.ready(proc);
  } catch (err) {
    await proc.stop(3000);
    throw new Error(`${o.name} did not start (${(err as Error).message}); last lines of ${o.logFile}:\n${tailOf(o.logFile)}`);
  }
  return {
    process: proc,
    pid: proc.pid,
    logFile: o.logFile,
    command: `node ${args.map((a) => a.replace(o.repoRoot + '/', '')).join(' ')}`,
    stop: async () => {
      await proc.stop(o.stopGraceMs ?? 8000);
    },
  };
}

/**
 * Polls `url` until it answers `status` (any status when undefined), at most
 * `timeoutMs`; rejects at once when the process has exited.
 */
export async function waitForHttp(url: string, proc: OwnedProcess, timeoutMs: number, status?: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  for (;;) {
    if (!proc.alive()) throw new Error('it exited before it was ready');
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (status === undefined || res.status === status) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready after ${Math.round(timeoutMs / 1000)} s (${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
