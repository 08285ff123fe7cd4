import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { createResponse, parseMessage, serializeMessage } from '@simple/sip-message';

/** One NOTIFY as a watcher got it (retransmissions of one transaction are not repeated here). */
export interface ReceivedNotify {
  readonly cseq: number;
  readonly state: string;
  readonly body: string;
  readonly at: number;
}

export interface Response {
  readonly status: number;
  readonly text: string;
  header(name: string): string | undefined;
  readonly body: string;
}

const headerOf = (text: string, name: string): string | undefined => {
  const head = text.split('\r\n\r\n')[0] ?? '';
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && line.slice(0, i).trim().toLowerCase() === name.toLowerCase()) return line.slice(i + 1).trim();
  }
  return undefined;
};

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/** A PIDF document with one tuple. */
export const pidfDoc = (aor: string, tupleId: string, basic: 'open' | 'closed', note: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:${aor}"><tuple id="${tupleId}"><status><basic>${basic}</basic></status><note>${note}</note></tuple></presence>`;

/**
 * A small SIP UA over UDP on 127.0.0.1 for the presence end-to-end tests: it
 * sends PUBLISH and SUBSCRIBE through the edge with digest authentication
 * (407, MD5, qop=auth), retransmits as Timer E would (every 500 ms), and, as a
 * watcher, answers every NOTIFY 200 (after `answerDelayMs`) and records it. A NOTIFY with a CSeq
 * already seen is a retransmission: answered again, counted in `duplicates`,
 * not recorded twice.
 */
export class UdpUa {
  readonly notifies: ReceivedNotify[] = [];
  duplicates = 0;
  /** How long a NOTIFY waits for its 200 (a slow watcher keeps the notifier's NOTIFY in flight). */
  answerDelayMs = 0;
  private readonly pending = new Map<string, (text: string) => void>();
  private readonly seen = new Set<number>();
  private etag: string | undefined;
  private dialog: { callId: string; fromTag: string; toTag: string; target: string; cseq: number } | undefined;

  private constructor(
    private readonly socket: Socket,
    readonly user: string,
    readonly domain: string,
    private readonly password: string,
    private readonly edgePort: number,
  ) {
    socket.on('message', (buf, rinfo) => this.onMessage(buf, rinfo.port));
  }

  static async open(user: string, domain: string, password: string, edgePort: number): Promise<UdpUa> {
    const s = createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    return new UdpUa(s, user, domain, password, edgePort);
  }

  get aor(): string {
    return `${this.user}@${this.domain}`;
  }

  get port(): number {
    return this.socket.address().port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  /**
   * PUBLISH `body` (a new publication, or a modification of the last one this
   * UA made). Resolves with the final response; a 200 keeps its SIP-ETag.
   */
  async publish(body: string, expires = 600): Promise<Response> {
    const res = await this.send('PUBLISH', `sip:${this.aor}`, (cseq, auth, branch) => [
      `PUBLISH sip:${this.aor} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=${branch};rport`,
      'Max-Forwards: 70',
      `From: <sip:${this.aor}>;tag=${randomBytes(4).toString('hex')}`,
      `To: <sip:${this.aor}>`,
      `Call-ID: ${randomBytes(8).toString('hex')}@127.0.0.1`,
      `CSeq: ${cseq} PUBLISH`,
      'Event: presence',
      `Expires: ${expires}`,
      ...(this.etag !== undefined ? [`SIP-If-Match: ${this.etag}`] : []),
      ...(auth !== undefined ? [`Proxy-Authorization: ${auth}`] : []),
      'Content-Type: application/pidf+xml',
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ]);
    if (res.status === 200) this.etag = res.header('SIP-ETag');
    return res;
  }

  /** Forgets the entity-tag: the next PUBLISH makes a new publication. */
  forgetPublication(): void {
    this.etag = undefined;
  }

  /** An initial SUBSCRIBE to `presentity` (user@domain); a 200 starts the dialog. `expires` 0 is a fetch. */
  async subscribe(presentity: string, expires = 600): Promise<Response> {
    const callId = `${randomBytes(8).toString('hex')}@127.0.0.1`;
    const fromTag = randomBytes(4).toString('hex');
    let last = 1;
    const res = await this.send('SUBSCRIBE', `sip:${presentity}`, (cseq, auth, branch) => {
      last = cseq;
      return [
        `SUBSCRIBE sip:${presentity} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=${branch};rport`,
        'Max-Forwards: 70',
        `From: <sip:${this.aor}>;tag=${fromTag}`,
        `To: <sip:${presentity}>`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} SUBSCRIBE`,
        `Contact: <sip:${this.user}@127.0.0.1:${this.port};transport=udp>`,
        'Event: presence',
        'Accept: application/pidf+xml',
        `Expires: ${expires}`,
        ...(auth !== undefined ? [`Proxy-Authorization: ${auth}`] : []),
        'Content-Length: 0',
        '',
        '',
      ];
    });
    const toTag = /;tag=([^;>\s]+)/.exec(res.header('To') ?? '')?.[1];
    const target = /<([^>]+)>/.exec(res.header('Contact') ?? '')?.[1];
    if (res.status === 200 && expires > 0 && toTag !== undefined && target !== undefined) this.dialog = { callId, fromTag, toTag, target, cseq: last };
    return res;
  }

  /** An in-dialog SUBSCRIBE (refresh, or Expires 0: unsubscribe). */
  async resubscribe(presentity: string, expires: number): Promise<Response> {
    const d = this.dialog;
    if (d === undefined) throw new Error('no subscription dialog');
    d.cseq += 1;
    const branch = `z9hG4bK${randomBytes(8).toString('hex')}`;
    return this.request(
      [
        `SUBSCRIBE ${d.target} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=${branch};rport`,
        'Max-Forwards: 70',
        `From: <sip:${this.aor}>;tag=${d.fromTag}`,
        `To: <sip:${presentity}>;tag=${d.toTag}`,
        `Call-ID: ${d.callId}`,
        `CSeq: ${d.cseq} SUBSCRIBE`,
        `Contact: <sip:${this.user}@127.0.0.1:${this.port};transport=udp>`,
        'Event: presence',
        `Expires: ${expires}`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
      branch,
    );
  }

  /** Sends a request; on 407 once more with credentials (RFC 2617, qop=auth). */
  private async send(method: string, uri: string, build: (cseq: number, auth: string | undefined, branch: string) => string[]): Promise<Response> {
    const b1 = `z9hG4bK${randomBytes(8).toString('hex')}`;
    const first = await this.request(build(1, undefined, b1).join('\r\n'), b1);
    if (first.status !== 407) return first;
    const challenge = first.text.split('\r\n').find((l) => /^Proxy-Authenticate:/i.test(l) && (/algorithm=MD5\b/i.test(l) || !/algorithm=/i.test(l)));
    if (challenge === undefined) throw new Error(`no MD5 challenge in:\n${first.text}`);
    const param = (n: string): string => new RegExp(`${n}="?([^",]+)"?`, 'i').exec(challenge)?.[1] ?? '';
    const realm = param('realm');
    const nonce = param('nonce');
    const opaque = param('opaque');
    const cnonce = randomBytes(8).toString('hex');
    const nc = '00000001';
    const response = md5(`${md5(`${this.user}:${realm}:${this.password}`)}:${nonce}:${nc}:${cnonce}:auth:${md5(`${method}:${uri}`)}`);
    const auth =
      `Digest username="${this.user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="${cnonce}"` +
      (opaque !== '' ? `, opaque="${opaque}"` : '');
    const b2 = `z9hG4bK${randomBytes(8).toString('hex')}`;
    return this.request(build(2, auth, b2).join('\r\n'), b2);
  }

  /** Sends and waits for the final response (retransmitted every 500 ms; given up after 10 s: status 0). */
  private request(text: string, branch: string): Promise<Response> {
    return new Promise((resolve) => {
      const send = (): void => this.socket.send(text, this.edgePort, '127.0.0.1');
      const t = setInterval(send, 500);
      const done = (res: string): void => {
        clearInterval(t);
        clearTimeout(give);
        this.pending.delete(branch);
        const status = Number(res.slice(8, 11));
        resolve({ status, text: res, header: (n) => headerOf(res, n), body: res.split('\r\n\r\n').slice(1).join('\r\n\r\n') });
      };
      const give = setTimeout(() => done('SIP/2.0 000 No Response\r\n\r\n'), 10_000);
      this.pending.set(branch, done);
      send();
    });
  }

  private onMessage(buf: Buffer, fromPort: number): void {
    const text = buf.toString('utf8');
    if (text.startsWith('SIP/2.0 ')) {
      if (Number(text.slice(8, 11)) < 200) return;
      const branch = /branch=([^;,\s]+)/.exec(headerOf(text, 'Via') ?? '')?.[1];
      if (branch !== undefined) this.pending.get(branch)?.(text);
      return;
    }
    const p = parseMessage(buf);
    if (!p.ok || p.value.kind !== 'request') return;
    const req = p.value;
    if (req.method === 'NOTIFY') {
      const cseq = req.cseq.seq;
      if (this.seen.has(cseq)) this.duplicates++;
      else {
        this.seen.add(cseq);
        this.notifies.push({ cseq, state: headerOf(text, 'Subscription-State') ?? '', body: req.body.toString('utf8'), at: Date.now() });
      }
    }
    const res = serializeMessage(createResponse(req, req.method === 'NOTIFY' ? 200 : 501));
    // Back to where the request came from (the edge's socket, RFC 3581 behaviour).
    const answer = (): void => this.socket.send(res, fromPort, '127.0.0.1');
    if (this.answerDelayMs > 0 && req.method === 'NOTIFY') setTimeout(answer, this.answerDelayMs);
    else answer();
  }
}
