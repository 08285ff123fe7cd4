import { randomBytes } from 'node:crypto';
import type { InboundEnvelope } from '@simple/contracts';
import { parseMessage, type SipRequest } from '@simple/sip-message';

export const pidf = (entity: string, tupleId: string, basic: 'open' | 'closed', note = 'hi'): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:${entity}"><tuple id="${tupleId}"><status><basic>${basic}</basic></status><note>${note}</note></tuple></presence>`;

/** A PUBLISH as the edge hands it over. */
export function publish(aor: string, o: { expires?: number; ifMatch?: string; body?: string; contentType?: string; event?: string } = {}): SipRequest {
  const body = Buffer.from(o.body ?? '', 'utf8');
  const lines = [
    `PUBLISH sip:${aor} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK${randomBytes(6).toString('hex')}`,
    `From: <sip:${aor}>;tag=${randomBytes(4).toString('hex')}`,
    `To: <sip:${aor}>`,
    `Call-ID: ${randomBytes(8).toString('hex')}`,
    'CSeq: 1 PUBLISH',
    'Max-Forwards: 70',
    `Event: ${o.event ?? 'presence'}`,
    ...(o.expires === undefined ? [] : [`Expires: ${o.expires}`]),
    ...(o.ifMatch === undefined ? [] : [`SIP-If-Match: ${o.ifMatch}`]),
    ...(body.length > 0 ? [`Content-Type: ${o.contentType ?? 'application/pidf+xml'}`] : []),
    `Content-Length: ${body.length}`,
    '',
    '',
  ];
  const parsed = parseMessage(Buffer.concat([Buffer.from(lines.join('\r\n')), body]));
  if (!parsed.ok || parsed.value.kind !== 'request') throw new Error('test PUBLISH does not parse');
  return parsed.value;
}

export function inbound(identity: string | undefined): InboundEnvelope {
  return { flow: { edgeId: 'edge-test', flowId: 'f1', transport: 'UDP', remoteAddress: '127.0.0.1', remotePort: 5070 }, identity, receivedAt: Date.now() };
}

/** A fresh presentity in a fresh domain per test. */
export const freshAor = (user = 'alice'): string => `${user}@t-${randomBytes(4).toString('hex')}.test`;

/** An initial SUBSCRIBE from `watcher` to `presentity`. */
export function subscribeRequest(watcher: string, presentity: string, expires = 600): SipRequest {
  const text = [
    `SUBSCRIBE sip:${presentity} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK${randomBytes(6).toString('hex')}`,
    `From: <sip:${watcher}>;tag=${randomBytes(4).toString('hex')}`,
    `To: <sip:${presentity}>`,
    `Call-ID: ${randomBytes(8).toString('hex')}`,
    'CSeq: 1 SUBSCRIBE',
    'Max-Forwards: 70',
    'Contact: <sip:watcher@127.0.0.1:5070>',
    'Event: presence',
    `Expires: ${expires}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseMessage(Buffer.from(text));
  if (!parsed.ok || parsed.value.kind !== 'request') throw new Error('test SUBSCRIBE does not parse');
  return parsed.value;
}
