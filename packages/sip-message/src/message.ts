import type { CSeq } from './cseq.js';
import { H } from './header-specs.js';
import type { NameAddr } from './name-addr.js';
import type { HeaderSpec } from './sip-headers.js';
import { SipHeaders } from './sip-headers.js';
import type { Uri } from './uri.js';
import type { Via } from './via.js';

const EMPTY = Buffer.alloc(0);

/**
 * What requests and responses share. The headers a transaction needs (Via,
 * From, To, Call-ID, CSeq) were validated when the message was parsed, so
 * their getters return typed values; the rest are parsed on demand with
 * `headers.typed(H.x)`.
 */
export abstract class SipMessage {
  abstract readonly kind: 'request' | 'response';
  headers: SipHeaders;
  body: Buffer;

  constructor(headers: SipHeaders = new SipHeaders(), body: Buffer = EMPTY) {
    this.headers = headers;
    this.body = body;
  }

  /** A header every message must carry; built messages must set it before use. */
  protected required<T>(spec: HeaderSpec<T>): T {
    const r = this.headers.typed(spec);
    if (r.ok && r.value !== undefined) return r.value;
    throw new Error(`SipMessage: ${spec.name} is ${r.ok ? 'missing' : 'invalid: ' + r.error.reason}`);
  }

  get callId(): string {
    return this.required(H.callId);
  }
  get cseq(): CSeq {
    return this.required(H.cseq);
  }
  get from(): NameAddr {
    return this.required(H.from);
  }
  get to(): NameAddr {
    return this.required(H.to);
  }
  /** Every Via, top first. */
  get vias(): readonly Via[] {
    return this.required(H.via);
  }
  get topVia(): Via {
    const v = this.vias[0];
    if (v === undefined) throw new Error('SipMessage: no Via');
    return v;
  }

  /** Replaces the top Via (e.g. after adding received/rport, RFC 3261 §18.2.1). */
  setTopVia(via: Via): void {
    const vias = [via, ...this.vias.slice(1)];
    const first = this.headers.getAll('via');
    // Keep every other Via field verbatim: rewrite only the field that held the top value.
    const rest = first.length > 0 ? restOfFirstViaField(first) : [];
    this.headers.set('via', [via.toString() + (rest.length > 0 ? ', ' + rest : ''), ...first.slice(1)]);
    this.headers.setTyped(H.via, vias, () => this.headers.getAll('via'));
  }

  get contentType(): string | undefined {
    const r = this.headers.typed(H.contentType);
    return r.ok && r.value !== undefined ? `${r.value.type}/${r.value.subtype}` : undefined;
  }
}

/** The Via values that shared the first Via field with the top one ("a, b" → "b"). */
function restOfFirstViaField(fields: readonly string[]): string {
  const first = fields[0] ?? '';
  let inQuote = false;
  for (let i = 0; i < first.length; i++) {
    const c = first.charCodeAt(i);
    if (c === 0x22) inQuote = !inQuote;
    else if (c === 0x2c && !inQuote) return first.slice(i + 1).trim();
  }
  return '';
}

export class SipRequest extends SipMessage {
  readonly kind = 'request' as const;
  constructor(
    public method: string,
    public uri: Uri,
    headers?: SipHeaders,
    body?: Buffer,
  ) {
    super(headers, body);
  }
}

export class SipResponse extends SipMessage {
  readonly kind = 'response' as const;
  constructor(
    public status: number,
    public reason: string,
    headers?: SipHeaders,
    body?: Buffer,
  ) {
    super(headers, body);
  }
}

export type AnySipMessage = SipRequest | SipResponse;
