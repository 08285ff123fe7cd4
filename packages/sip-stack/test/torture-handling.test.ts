import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseNameAddr } from '@simple/sip-message';
import type { SipStack } from '@simple/sip-stack';
import { Recorder, sendTcp, sendUdp, startStack } from './helpers.js';

const dir = fileURLToPath(new URL('../../sip-message/test/fixtures/sip-torture/', import.meta.url));
const load = (file: string): Buffer => readFileSync(dir + file);

/**
 * RFC 4475 messages sent to a UAS built on the stack, whose TU answers 200 to
 * whatever reaches it. Stream cases go over TCP (the response comes back on the
 * connection); the datagram-only cases (framing by datagram) over UDP.
 */
describe('RFC 4475 messages against a UAS on the stack', () => {
  const stacks: SipStack[] = [];
  after(async () => {
    for (const s of stacks) await s.stop();
  });

  async function uas(): Promise<{ rec: Recorder; udpPort: number; tcpPort: number }> {
    const rec = new Recorder();
    const { stack, udpPort, tcpPort } = await startStack((inc) => {
      rec.record(inc.request);
      inc.respond(200);
    });
    stacks.push(stack);
    return { rec, udpPort, tcpPort };
  }

  // file → [status the UAS must answer, reason pattern or undefined]
  const overTcp: Record<string, [number, RegExp | undefined]> = {
    'badinv01.dat': [400, /Via/],
    'scalar02.dat': [400, /CSeq/],
    'quotbal.dat': [400, /quoted/],
    'ltgtruri.dat': [400, /Request-URI/],
    'lwsruri.dat': [400, /Request-Line/],
    'lwsstart.dat': [400, /Request-Line/],
    'trws.dat': [400, /Request-Line/],
    'escruri.dat': [400, /Request-URI/],
    'baddate.dat': [400, /Date/],
    'regbadct.dat': [400, /Contact/],
    'badaspec.dat': [400, /To/],
    'badvers.dat': [505, undefined],
    'mismatch01.dat': [400, /CSeq/],
    'mismatch02.dat': [400, /CSeq/],
    'insuf.dat': [400, /Missing/],
    'multi01.dat': [400, /Multiple/],
    // Semantically bad, well-formed: the UAS core's §8.2 checks.
    'unkscm.dat': [416, undefined],
    'novelsc.dat': [416, undefined],
    'bext01.dat': [420, undefined],
    'invut.dat': [415, undefined],
    'esc02.dat': [501, undefined],
    // Valid: they reach the TU, which answers 200.
    'wsinv.dat': [200, undefined],
    'intmeth.dat': [501, undefined],
    'esc01.dat': [200, undefined],
    'escnull.dat': [200, undefined],
    'lwsdisp.dat': [200, undefined],
    'longreq.dat': [200, undefined],
    'semiuri.dat': [200, undefined],
    'transports.dat': [200, undefined],
    'mpart01.dat': [200, undefined],
    'zeromf.dat': [200, undefined],
    'cparam01.dat': [200, undefined],
    'cparam02.dat': [200, undefined],
    'regescrt.dat': [200, undefined],
    'regaut01.dat': [200, undefined],
    'unksm2.dat': [200, undefined],
    'badbranch.dat': [200, undefined],
    'sdp01.dat': [200, undefined],
  };

  for (const [file, [status, reason]] of Object.entries(overTcp)) {
    it(`${file} over TCP - answered ${status}`, async () => {
      const { rec, tcpPort } = await uas();
      const res = await sendTcp(tcpPort, load(file));
      assert.ok(res, 'no response');
      assert.equal(res.status, status, `${res.status} ${res.reason}`);
      if (reason) assert.match(res.reason, reason);
      assert.equal(rec.requests.length, status === 200 ? 1 : 0, 'only accepted requests reach the TU');
      // §8.2.6.2: a final response carries a To tag, added where the request's To could be read.
      const to = parseNameAddr(res.headers.get('to') ?? '', 'To');
      if (status >= 300 && to.ok && res.headers.count('to') === 1) assert.ok(to.value.tag !== undefined, 'a final response carries a To tag');
    });
  }

  it('bext01.dat - 420 lists the unknown option tags in Unsupported (§8.2.2.3)', async () => {
    const { tcpPort } = await uas();
    const res = await sendTcp(tcpPort, load('bext01.dat'));
    assert.equal(res?.status, 420);
    assert.match(res?.headers.get('unsupported') ?? '', /nothingSupportsThis/);
  });

  it('clerr.dat over UDP - Content-Length beyond the datagram: 400 to the source', async () => {
    const { rec, udpPort } = await uas();
    const res = await sendUdp(udpPort, load('clerr.dat'));
    assert.equal(res?.status, 400);
    assert.match(res?.reason ?? '', /Content-Length/);
    assert.equal(rec.requests.length, 0);
  });

  it('ncl.dat over UDP - negative Content-Length: 400 to the source', async () => {
    const { rec, udpPort } = await uas();
    const res = await sendUdp(udpPort, load('ncl.dat'));
    assert.equal(res?.status, 400);
    assert.equal(rec.requests.length, 0);
  });

  it('mcl01.dat over UDP - conflicting Content-Lengths: discarded, nobody told', async () => {
    const { rec, udpPort } = await uas();
    const res = await sendUdp(udpPort, load('mcl01.dat'), 400);
    assert.equal(res, undefined);
    assert.equal(rec.requests.length, 0);
  });

  it('dblreq.dat over UDP - the REGISTER is processed, the trailing INVITE ignored', async () => {
    const { rec, udpPort } = await uas();
    await sendUdp(udpPort, load('dblreq.dat'), 300);
    assert.deepEqual(rec.requests.map((r) => r.method), ['REGISTER']);
  });

  it('inv2543.dat over UDP - an RFC 2543 INVITE reaches the TU', async () => {
    const { rec, udpPort } = await uas();
    await sendUdp(udpPort, load('inv2543.dat'), 300);
    assert.deepEqual(rec.requests.map((r) => r.method), ['INVITE']);
  });

  it('scalarlg.dat and bigcode.dat - bad responses are dropped, the process goes on', async () => {
    const { rec, tcpPort } = await uas();
    assert.equal(await sendTcp(tcpPort, load('scalarlg.dat'), 300), undefined);
    assert.equal(await sendTcp(tcpPort, load('bigcode.dat'), 300), undefined);
    assert.equal(rec.requests.length, 0);
    const res = await sendTcp(tcpPort, load('esc01.dat'));
    assert.equal(res?.status, 200);
  });
});
