// A redis-server of the test's own (/usr/bin/redis-server) on 127.0.0.1, persisting to an
// append-only file in `dir`, that the test can SIGKILL and start again on the same files.
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';

export interface RedisProcess {
  readonly port: number;
  output(): string;
  /** SIGKILL: no shutdown save, no final fsync; only what the append-only file holds survives. */
  kill(): Promise<void>;
}

/** `appendfsync always`: every write is on disk before Redis answers it; no RDB snapshots. */
export async function startRedisProcess(dir: string, port: number, timeoutMs = 10_000): Promise<RedisProcess> {
  const child: ChildProcess = spawn(
    '/usr/bin/redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-10_000)));
  child.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-10_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}:\n${out}`);
    const probe = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => {});
    try {
      await probe.connect();
      // Loading the append-only file answers -LOADING: wait until it is read.
      if ((await probe.ping()) === 'PONG') {
        probe.disconnect();
        break;
      }
    } catch {
      // not listening, or still loading
    }
    probe.disconnect();
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server not ready after ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    output: () => out,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
