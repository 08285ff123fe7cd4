import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { createResponse, parseMessage, serializeMessage, type SipRequest } from '@simple/sip-message';

/** One MESSAGE the receiver got (retransmissions of a transaction included, flagged). */
export interface Received {
  readonly callId: string;
  readonly cseq: number;
  readonly body: string;
  readonly request: SipRequest;
}

/**
 * A tiny SIP UAS over UDP on 127.0.0.1 for end-to-end tests: it registers
 * through the edge with digest authentication (MD5, qop=auth; the edge then
 * sends over the flow, i.e. to this socket) and answers every MESSAGE 200,
 * recording each one. A request with a Call-ID and CSeq already seen is a
 * retransmission or a repeated delivery of the same request (RFC 3261 §17.2.3,
 * §8.2.2.2); it is answered again and counted in `duplicates`.
 */
export class UdpSipReceiver {
  readonly messages: Received[] = [];
  duplicates = 0;
  private readonly seen = new Set<string>();
  private readonly socket: Socket;
  private pending: ((res: string) => void) | undefined;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('message', (buf, rinfo) => this.onMessage(buf, rinfo.port));
  }

  static async open(): Promise<UdpSipReceiver> {
    const s = createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    return new UdpSipReceiver(s);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Distinct MESSAGE requests (by Call-ID and CSeq). */
  get distinct(): number {
    return this.seen.size;
  }

  /** REGISTER user@domain at the edge; resolves with the final status. */
  async register(user: string, domain: string, password: string, edgePort: number, expires = 120): Promise<number> {
    const callId = `${randomBytes(8).toString('hex')}@127.0.0.1`;
    const tag = randomBytes(4).toString('hex');
    const build = (cseq: number, auth?: string): string =>
      [
        `REGISTER sip:${domain} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
        'Max-Forwards: 70',
        `From: <sip:${user}@${domain}>;tag=${tag}`,
        `To: <sip:${user}@${domain}>`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} REGISTER`,
        `Contact: <sip:${user}@127.0.0.1:${this.port};transport=udp>`,
        `Expires: ${expires}`,
        ...(auth !== undefined ? [`Authorization: ${auth}`] : []),
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
    const first = await this.request(build(1), edgePort);
    const status = Number(first.split(' ')[1]);
    if (status !== 401) return status;
    const challenge = first.split('\r\n').filter((l) => /^WWW-Authenticate:/i.test(l)).find((l) => /algorithm=MD5\b/i.test(l) || !/algorithm=/i.test(l));
    if (challenge === undefined) throw new Error(`no MD5 challenge in:\n${first}`);
    const param = (n: string): string => new RegExp(`${n}="?([^",]+)"?`, 'i').exec(challenge)?.[1] ?? '';
    const realm = param('realm');
    const nonce = param('nonce');
    const opaque = param('opaque');
    const uri = `sip:${domain}`;
    const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
    const cnonce = randomBytes(8).toString('hex');
    const nc = '00000001';
    const response = md5(`${md5(`${user}:${realm}:${password}`)}:${nonce}:${nc}:${cnonce}:auth:${md5(`REGISTER:${uri}`)}`);
    const auth =
      `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="${cnonce}"` +
      (opaque !== '' ? `, opaque="${opaque}"` : '');
    const second = await this.request(build(2, auth), edgePort);
    return Number(second.split(' ')[1]);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  /** Sends a request and waits for its final response (retransmitted every 500 ms, as RFC 3261 Timer E over UDP). */
  private request(text: string, port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const send = (): void => this.socket.send(text, port, '127.0.0.1');
      const t = setInterval(send, 500);
      const give = setTimeout(() => {
        clearInterval(t);
        this.pending = undefined;
        reject(new Error('no final response'));
      }, 8_000);
      this.pending = (res) => {
        clearInterval(t);
        clearTimeout(give);
        this.pending = undefined;
        resolve(res);
      };
      send();
    });
  }

  private onMessage(buf: Buffer, fromPort: number): void {
    const text = buf.toString('latin1');
    if (text.startsWith('SIP/2.0 ')) {
      const status = Number(text.slice(8, 11));
      if (status >= 200) this.pending?.(text);
      return;
    }
    const p = parseMessage(buf);
    if (!p.ok || p.value.kind !== 'request') return;
    const req = p.value;
    if (req.method === 'MESSAGE') {
      const key = `${req.callId} ${req.cseq.seq}`;
      if (this.seen.has(key)) this.duplicates++;
      else {
        this.seen.add(key);
        this.messages.push({ callId: req.callId, cseq: req.cseq.seq, body: req.body.toString('utf8'), request: req });
      }
    }
    const res = serializeMessage(createResponse(req, req.method === 'MESSAGE' || req.method === 'OPTIONS' ? 200 : 501));
    // RFC 3581 behaviour: back to where the request came from (the edge's socket).
    this.socket.send(res, fromPort, '127.0.0.1');
  }
}
