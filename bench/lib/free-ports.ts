// Picks ports on 127.0.0.1 that nobody uses, so that the bench can run beside
// other servers (the team's tests, another Kamailio on 5070).
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

async function udpFree(port: number): Promise<boolean> {
  const s = createSocket('udp4');
  return new Promise((resolve) => {
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function tcpFree(port: number): Promise<boolean> {
  const srv = createServer();
  return new Promise((resolve) => {
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Whether `port` is free on 127.0.0.1 for every protocol asked. */
export async function portFree(port: number, protocols: readonly ('udp' | 'tcp')[]): Promise<boolean> {
  for (const p of protocols) {
    if (!(p === 'udp' ? await udpFree(port) : await tcpFree(port))) return false;
  }
  return true;
}

/**
 * `preferred` if free, else the next free port above it (up to 200 tries),
 * skipping `taken` (ports already handed out in this run).
 */
export async function freePort(preferred: number, protocols: readonly ('udp' | 'tcp')[], taken: ReadonlySet<number> = new Set()): Promise<number> {
  for (let port = preferred; port < preferred + 200 && port < 65536; port++) {
    if (!taken.has(port) && (await portFree(port, protocols))) return port;
  }
  throw new Error(`no free ${protocols.join('+')} port on 127.0.0.1 in ${preferred}..${preferred + 199}`);
}
