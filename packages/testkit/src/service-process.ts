import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  /** Everything the process wrote, for assertion messages. */
  output(): string;
  /** SIGTERM, then wait for the exit (graceful drain). */
  stop(): Promise<number | null>;
  /** SIGKILL: the process dies without draining. */
  kill(): Promise<void>;
}

/**
 * Starts a service's `src/main.ts` as its own process (through tsx, from the
 * repository root) with the given environment, and waits until its `/readyz`
 * answers 200 on `opsPort`.
 */
export async function startService(name: string, env: Readonly<Record<string, string>>, opsPort: number, timeoutMs = 20_000): Promise<ServiceProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', `services/${name}/src/main.ts`], {
    cwd: root,
    env: { ...process.env, SIMPLE_LOG_LEVEL: 'warn', ...env, SIMPLE_OPS_PORT: String(opsPort), SIMPLE_OPS_LISTEN: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready:\n${out}`);
    try {
      const r = await fetch(`http://127.0.0.1:${opsPort}/readyz`);
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} not ready after ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    name,
    pid: child.pid ?? 0,
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * startService where the environment names ports found by freePort(): such a
 * port is free when checked, not reserved, so another process may take it
 * first; the service then exits with EADDRINUSE and is started again with a
 * fresh environment (fresh ports, three tries in all).
 */
export async function startServiceOnFreshPorts(
  name: string,
  makeEnv: () => Promise<Readonly<Record<string, string>>>,
  timeoutMs?: number,
): Promise<ServiceProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startService(name, await makeEnv(), await freePort(), timeoutMs);
    } catch (e) {
      if (attempt >= 3 || !/EADDRINUSE/.test((e as Error).message)) throw e;
    }
  }
}
