// Measures what one lingering server transaction (Completed, waiting for Timer J) retains: N requests answered 200, then heap used per transaction.
import { createSocket } from 'node:dgram';
import { writeHeapSnapshot } from 'node:v8';
import { readFileSync } from 'node:fs';
import { startStack } from '../packages/sip-stack/test/helpers.js';
// Run: node --expose-gc --conditions=source --import tsx bench/transaction-memory.bench.ts (SNAP=1 for a breakdown by object type)
const N = 5000;
const { stack, udpPort } = await startStack((inc) => inc.respond(200, { headers: [['Contact', '<sip:a@127.0.0.1:5099>;expires=60']] }));
const sock = createSocket('udp4');
await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
sock.on('message', () => undefined);
globalThis.gc?.();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < N; i++) {
  const m = [`REGISTER sip:127.0.0.1 SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bK-${i}-x;rport`, `From: <sip:u${i}@127.0.0.1>;tag=f${i}`, `To: <sip:u${i}@127.0.0.1>`, `Call-ID: c${i}@h`, 'CSeq: 1 REGISTER', `Contact: <sip:u${i}@127.0.0.1:5099>`, 'Expires: 60', 'Max-Forwards: 70', 'Authorization: Digest username="u", realm="r", nonce="n", uri="sip:127.0.0.1", response="0123456789abcdef0123456789abcdef", qop=auth, nc=00000001, cnonce="c", algorithm=MD5', 'Content-Length: 0', '', ''].join('\r\n');
  sock.send(m, udpPort, '127.0.0.1');
  if (i % 50 === 0) await new Promise((r) => setTimeout(r, 20));
}
await new Promise((r) => setTimeout(r, 2000));
globalThis.gc?.();
const after = process.memoryUsage().heapUsed;
console.log('transactions', stack.transactionCounts(), 'retained per transaction', Math.round((after - before) / N), 'bytes');
if (process.env.SNAP) {
  const f = writeHeapSnapshot('/tmp/probe.heapsnapshot');
  const snap = JSON.parse(readFileSync(f, 'utf8'));
  const m = snap.snapshot.meta; const nf = m.node_fields.length; const types = m.node_types[0];
  const byName = new Map<string, [number, number]>();
  for (let i = 0; i < snap.nodes.length; i += nf) {
    const type = types[snap.nodes[i]]; const name = snap.strings[snap.nodes[i + 1]]; const size = snap.nodes[i + 3];
    const k = `${type}:${type === 'string' || type === 'concatenated string' || type === 'sliced string' ? '' : name}`;
    const e = byName.get(k) ?? [0, 0]; e[0]++; e[1] += size; byName.set(k, e);
  }
  for (const [k, [c, s]] of [...byName].sort((a, b) => b[1][1] - a[1][1]).slice(0, 25)) console.log(String(s).padStart(10), String(c).padStart(8), k);
}
sock.close();
await stack.stop();
