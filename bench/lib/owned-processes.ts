// The processes the harness starts (Kamailio, the SIP edge, SIPp), and the
// guarantee that it stops them: by PID only, on success, on error, on Ctrl-C.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The spawn itself failed (ENOENT...). */
  readonly error?: Error;
}

export interface OwnedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ExitStatus>;
  alive(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<ExitStatus>;
}

export interface StartOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** stdout and stderr go to this file (truncated); else they are dropped. */
  readonly logFile?: string;
}

const owned = new Set<OwnedProcess>();

/** Starts `command` and records it so that stopAllOwned() (and Ctrl-C) stop it. */
export async function startOwned(name: string, command: string, args: readonly string[], opts: StartOptions = {}): Promise<OwnedProcess> {
  const fd = opts.logFile === undefined ? undefined : openSync(opts.logFile, 'w');
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', fd ?? 'ignore', fd ?? 'ignore'],
  });
  if (fd !== undefined) closeSync(fd);
  let done = false;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
    child.once('error', (error) => {
      done = true;
      resolve({ code: null, signal: null, error });
    });
  });
  // A spawn that fails has no pid: wait for the 'error' event to say why.
  if (child.pid === undefined) {
    const st = await exited;
    throw new Error(`${name}: cannot start ${command}: ${st.error?.message ?? 'unknown error'}`);
  }
  const pid = child.pid;
  const proc: OwnedProcess = {
    name,
    pid,
    exited,
    alive: () => !done,
    stop: async (graceMs = 5000) => {
      if (!done) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          if (!done) child.kill('SIGKILL');
        }, graceMs);
        await exited;
        clearTimeout(timer);
      }
      owned.delete(proc);
      return exited;
    },
  };
  owned.add(proc);
  void exited.then(() => {
    if (!proc.alive()) owned.delete(proc);
  });
  return proc;
}

/** Stops every process the harness started and that still runs, newest first. */
export async function stopAllOwned(graceMs = 5000): Promise<void> {
  const list = [...owned].reverse();
  await Promise.all(list.map((p) => p.stop(graceMs)));
}

let installed = false;
let interrupted: NodeJS.Signals | undefined;

/** The signal that interrupted the run, if one did (the cleanup is under way). */
export function interruptedBy(): NodeJS.Signals | undefined {
  return interrupted;
}

/**
 * On SIGINT/SIGTERM/SIGHUP: stop what we started, then exit 130/143/129.
 * On a plain exit with something still running (a bug): SIGKILL it by PID.
 */
export function installCleanupHandlers(log: (msg: string) => void = (m) => console.error(m)): void {
  if (installed) return;
  installed = true;
  const codes: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const sig of Object.keys(codes) as NodeJS.Signals[]) {
    process.on(sig, () => {
      if (interrupted !== undefined) return;
      interrupted = sig;
      log(`\n${sig}: stopping ${owned.size} process(es) the bench started`);
      void stopAllOwned(3000).finally(() => process.exit(codes[sig] ?? 1));
    });
  }
  process.on('exit', () => {
    for (const p of owned) {
      if (p.alive()) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });
}
