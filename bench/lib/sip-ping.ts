// Readiness check for a SIP server: OPTIONS over UDP (RFC 3261 §11) until any
// SIP response comes back. A 200, a 401 or a 405 all say "the server is up".
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';

export interface PingOptions {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
  /** Checked before each try: give up at once when the server has died. */
  readonly stillRunning?: () => boolean;
}

/** Resolves with the status line of the first response; rejects on timeout or when stillRunning() turns false. */
export async function waitForSipResponse(opts: PingOptions): Promise<string> {
  const sock = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(0, '127.0.0.1', () => resolve());
  });
  const local = sock.address();
  try {
    return await new Promise<string>((resolve, reject) => {
      const deadline = Date.now() + opts.timeoutMs;
      let timer: NodeJS.Timeout | undefined;
      sock.on('message', (msg) => {
        const first = msg.toString('latin1', 0, Math.min(msg.length, 200)).split('\r\n')[0] ?? '';
        if (first.startsWith('SIP/2.0 ')) {
          if (timer !== undefined) clearTimeout(timer);
          resolve(first);
        }
      });
      const attempt = (): void => {
        if (opts.stillRunning !== undefined && !opts.stillRunning()) {
          reject(new Error('the server exited while starting'));
          return;
        }
        if (Date.now() > deadline) {
          reject(new Error(`no answer to OPTIONS from ${opts.host}:${opts.port} within ${opts.timeoutMs} ms`));
          return;
        }
        const branch = `z9hG4bK-bench-${randomBytes(6).toString('hex')}`;
        const req = [
          `OPTIONS sip:${opts.host}:${opts.port} SIP/2.0`,
          `Via: SIP/2.0/UDP ${local.address}:${local.port};branch=${branch};rport`,
          'Max-Forwards: 70',
          `From: <sip:bench-ping@${opts.host}>;tag=${randomBytes(4).toString('hex')}`,
          `To: <sip:${opts.host}:${opts.port}>`,
          `Call-ID: ${randomBytes(8).toString('hex')}@bench`,
          'CSeq: 1 OPTIONS',
          'Accept: application/sdp',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n');
        sock.send(req, opts.port, opts.host);
        timer = setTimeout(attempt, 250);
      };
      attempt();
    });
  } finally {
    sock.close();
  }
}
