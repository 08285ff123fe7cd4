import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { canonicalName, parseMessage, SipHeaders, SipResponse, type SipRequest } from '@simple/sip-message';
import { SipStack, type IncomingRequest, type RequestHandler, type SipStackConfig } from '@simple/sip-stack';

/** A stack on 127.0.0.1 (UDP and TCP, ephemeral ports) whose TU is the given function. */
export async function startStack(
  onRequest: (incoming: IncomingRequest) => void,
  overrides: Partial<SipStackConfig> = {},
  extra: Partial<RequestHandler> = {},
): Promise<{ stack: SipStack; udpPort: number; tcpPort: number }> {
  const stack = new SipStack(
    {
      listeners: [
        { protocol: 'UDP', address: '127.0.0.1', port: 0 },
        { protocol: 'TCP', address: '127.0.0.1', port: 0 },
      ],
      uas: { allowedMethods: ['INVITE', 'ACK', 'CANCEL', 'OPTIONS', 'REGISTER', 'MESSAGE', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH'], acceptedBodies: { INVITE: ['application/sdp'] } },
      ...overrides,
    },
    { onRequest, ...extra },
  );
  await stack.start();
  const port = (p: string): number => stack.listeners().find((l) => l.protocol === p)?.local.port ?? 0;
  return { stack, udpPort: port('UDP'), tcpPort: port('TCP') };
}

/** Sends bytes over a new TCP connection and returns the first response (or undefined after `waitMs`). */
export function sendTcp(port: number, bytes: Buffer, waitMs = 1500): Promise<SipResponse | undefined> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => done(undefined), waitMs);
    const done = (r: SipResponse | undefined): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const m = /content-length:\s*(\d+)/i.exec(buf.subarray(0, end).toString('latin1'));
      if (buf.length < end + 4 + Number(m?.[1] ?? 0)) return;
      done(readResponse(buf.subarray(0, end + 4 + Number(m?.[1] ?? 0))));
    });
    sock.on('error', () => done(undefined));
    sock.write(bytes);
  });
}

/** Sends one datagram from an ephemeral port; returns the first response that comes back to it, if any. */
export function sendUdp(port: number, bytes: Buffer, waitMs = 500): Promise<SipResponse | undefined> {
  return new Promise((resolve) => {
    const sock = createSocket('udp4');
    const timer = setTimeout(() => done(undefined), waitMs);
    const done = (r: SipResponse | undefined): void => {
      clearTimeout(timer);
      sock.close();
      resolve(r);
    };
    sock.on('message', (d) => {
      done(readResponse(d));
    });
    sock.bind(0, '127.0.0.1', () => sock.send(bytes, port, '127.0.0.1'));
  });
}

/** Records what reached the transaction user. */
export class Recorder {
  readonly requests: SipRequest[] = [];
  readonly seen = new Map<string, number>();
  /** Counts a request by Call-ID, CSeq and method: how often the TU saw this one request. */
  record(req: SipRequest): number {
    this.requests.push(req);
    const key = Recorder.key(req);
    const n = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, n);
    return n;
  }

  static key(req: SipRequest): string {
    return `${req.callId} ${req.cseq.seq} ${req.method}`;
  }
}

/**
 * A response as a client reads it. The answer to a malformed request may copy
 * the malformed Via it came with, so when the strict parse fails the status
 * line and header fields are read as they are.
 */
export function readResponse(bytes: Buffer): SipResponse | undefined {
  const r = parseMessage(bytes);
  if (r.ok) return r.value.kind === 'response' ? r.value : undefined;
  const text = bytes.toString('utf8');
  const m = /^SIP\/2\.0 (\d{3}) ([^\r]*)\r\n/.exec(text);
  if (m === null) return undefined;
  const fields = text.slice(m[0].length, text.indexOf('\r\n\r\n')).split('\r\n').filter((l) => l.includes(':')).map((l) => {
    const name = l.slice(0, l.indexOf(':')).trim();
    return { name: canonicalName(name), rawName: name, value: l.slice(l.indexOf(':') + 1).trim() };
  });
  return new SipResponse(Number(m[1]), m[2] ?? '', new SipHeaders(fields));
}
