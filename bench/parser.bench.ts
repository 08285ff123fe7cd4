// Parser throughput on a typical SUBSCRIBE: parse (eager: Via, From, To,
// Call-ID, CSeq, Max-Forwards, Content-Length), then serialize.
// Run: node --conditions=source --import tsx bench/parser.bench.ts
import { createResponse, parseMessage, serializeMessage, validateMessage } from '@simple/sip-message';

const msg = Buffer.from([
  'SUBSCRIBE sip:bob@example.com SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport',
  'Max-Forwards: 70',
  'To: <sip:bob@example.com>',
  'From: "Alice" <sip:alice@example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.example.com',
  'CSeq: 314159 SUBSCRIBE',
  'Contact: <sip:alice@192.0.2.10:5060;transport=udp>;+sip.instance="<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>"',
  'Event: presence',
  'Accept: application/pidf+xml, application/rlmi+xml, multipart/related',
  'Supported: eventlist, gruu',
  'Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, NOTIFY, SUBSCRIBE, MESSAGE',
  'User-Agent: bench/1.0',
  'Expires: 3600',
  'Content-Length: 0',
  '', '',
].join('\r\n'));

function run(label: string, n: number, fn: () => void): void {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  const ns = Number(process.hrtime.bigint() - t0);
  console.log(`${label}: ${Math.round(n / (ns / 1e9)).toLocaleString('en')} msg/s (${(ns / n / 1000).toFixed(2)} µs each, ${msg.length} bytes)`);
}

const N = Number(process.env.N ?? 200_000);
run('warm-up', 20_000, () => parseMessage(msg));
run('parse', N, () => {
  const r = parseMessage(msg);
  if (!r.ok) throw r.error;
});
const parsed = parseMessage(msg);
if (!parsed.ok) throw parsed.error;
run('serialize', N, () => serializeMessage(parsed.value));
// What a UAS does per request: parse, check every header, answer.
run('parse+validate+respond+serialize', N, () => {
  const r = parseMessage(msg);
  if (!r.ok || r.value.kind !== 'request') throw new Error('parse');
  validateMessage(r.value);
  serializeMessage(createResponse(r.value, 200, { headers: [['Expires', '3600']] }));
});
