import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { parseMessage, type SipRequest } from '@simple/sip-message';
import { redisKeys } from '@simple/contracts';
import { BindingSweeper, Registrar } from '../src/registrar/index.js';

const domain = `sweep-${randomBytes(3).toString('hex')}.test`;
const flow = { edgeId: 'e1', flowId: 'f1', transport: 'UDP', remoteAddress: '127.0.0.1', remotePort: 5099 };

function register(user: string, expires: number): SipRequest {
  const r = parseMessage(Buffer.from([
    `REGISTER sip:${domain} SIP/2.0`, 'Via: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bK' + randomBytes(4).toString('hex'),
    `To: <sip:${user}@${domain}>`, `From: <sip:${user}@${domain}>;tag=1`, `Call-ID: ${randomBytes(6).toString('hex')}`, 'CSeq: 1 REGISTER',
    `Contact: <sip:${user}@127.0.0.1:5099>`, `Expires: ${expires}`, 'Max-Forwards: 70', 'Content-Length: 0', '', '',
  ].join('\r\n')));
  assert.ok(r.ok && r.value.kind === 'request');
  return r.value;
}

describe('binding sweeper', () => {
  const redisA = new Redis();
  const redisB = new Redis();
  after(async () => {
    await redisA.del(redisKeys.bindings(`u1@${domain}`), redisKeys.lease('binding-sweeper'));
    await redisA.quit();
    await redisB.quit();
  });

  it('one replica holds the lease; lapsed bindings are removed and announced once', async () => {
    let now = Date.now();
    const clock = { now: () => now };
    const registrar = new Registrar({ redis: redisA, clock, minExpires: 1, isLocalDomain: () => true });
    const r = await registrar.register(register('u1', 60), { flow });
    assert.equal(r.status, 200);
    const lapsedSeen: string[] = [];
    const a = new BindingSweeper({ redis: redisA, store: registrar.store, now: clock.now, onLapsed: (aor) => lapsedSeen.push(`A ${aor}`) });
    const b = new BindingSweeper({ redis: redisB, store: new Registrar({ redis: redisB, clock, isLocalDomain: () => true }).store, now: clock.now, onLapsed: (aor) => lapsedSeen.push(`B ${aor}`) });
    await redisA.del(redisKeys.lease('binding-sweeper'));
    assert.equal(await a.tick(), 0, 'nothing due yet');
    now += 61_000;
    assert.equal(await b.tick(), 0, 'B does not hold the lease while A does');
    assert.equal(await a.tick(), 1);
    assert.deepEqual(lapsedSeen, [`A u1@${domain}`]);
    assert.deepEqual(await registrar.lookup(`u1@${domain}`), []);
    await a.stop();
    assert.equal(await b.tick(), 0, 'B takes over the lease once A gives it up; nothing left to sweep');
    assert.equal(await redisA.get(redisKeys.lease('binding-sweeper')) !== null, true);
    await b.stop();
  });
});
