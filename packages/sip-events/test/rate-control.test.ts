import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { FakeClock } from '@simple/clock';
import { Notifier } from '../src/index.js';
import { FakeTransport, RedisNamespace, TestPackage, inbound, recorder, subscribe } from './support.js';

const ns = new RedisNamespace();
after(() => ns.cleanup());

/** Lets the promise jobs that a fired timer started run to their end. */
async function settle(...notifiers: Notifier[]): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    await Promise.all(notifiers.map((n) => n.idle()));
  }
}

describe('rate control - RFC 6446', () => {
  it('off by default: every change is sent at once', async () => {
    const pkg = new TestPackage();
    const transport = new FakeTransport();
    const notifier = new Notifier({ redis: ns.client(), transport, packages: [pkg], clock: new FakeClock(Date.now()) });
    pkg.set('r0@example.com', 0);
    await notifier.handleSubscribe(subscribe({ user: 'r0' }), inbound(), recorder().respond);
    for (let v = 1; v <= 3; v++) {
      pkg.set('r0@example.com', v);
      await notifier.notifyResource('x-test', 'r0@example.com');
      await notifier.idle();
    }
    assert.deepEqual(transport.received.map((n) => /state=(\d+)/.exec(n.body)?.[1]), ['0', '1', '2', '3']);
  });

  it('a minimum interval coalesces the changes within it and sends the latest state when it ends', async () => {
    const pkg = new TestPackage();
    const transport = new FakeTransport();
    const clock = new FakeClock(Date.now());
    const notifier = new Notifier({ redis: ns.client(), transport, packages: [pkg], clock, rateControl: { minIntervalMs: 5000 } });
    const resource = 'r1@example.com';
    pkg.set(resource, 0);
    await notifier.handleSubscribe(subscribe({ user: 'r1' }), inbound(), recorder().respond);
    assert.equal(transport.received.length, 1, 'the NOTIFY after a SUBSCRIBE is exempt (§5.2)');
    assert.equal(transport.received[0]?.state, 'active;expires=600', 'no max-rate reflected when the subscriber asked for none and honorMaxRate is off');

    for (let v = 1; v <= 4; v++) {
      clock.advance(500);
      pkg.set(resource, v);
      await notifier.notifyResource('x-test', resource);
      await notifier.idle();
    }
    assert.equal(transport.received.length, 1, 'nothing within the interval');
    clock.advance(2999);
    await settle(notifier);
    assert.equal(transport.received.length, 1);
    clock.advance(1);
    await settle(notifier);
    assert.equal(transport.received.length, 2, 'one NOTIFY when the interval ends');
    assert.match(transport.received[1]?.body ?? '', /state=4 /, 'with the latest state');
    assert.equal(transport.received[1]?.cseq, 2);

    // The final NOTIFY is exempt too.
    pkg.set(resource, 5);
    await notifier.notifyResource('x-test', resource);
    await notifier.terminateResource('x-test', resource, 'noresource');
    await settle(notifier);
    assert.equal(transport.received.at(-1)?.state, 'terminated;reason=noresource');
    await notifier.stop();
  });

  it('a replica that dies with a NOTIFY owed leaves it in Redis: another replica\'s sweep sends it when due', async () => {
    const pkg = new TestPackage('x-test2');
    const transport = new FakeTransport();
    const clock = new FakeClock(Date.now());
    const options = { transport, packages: [pkg], clock, rateControl: { minIntervalMs: 2000 } };
    const a = new Notifier({ redis: ns.client(), ...options });
    const b = new Notifier({ redis: ns.client(), ...options });
    const resource = 'r2@example.com';
    pkg.set(resource, 0);
    await a.handleSubscribe(subscribe({ user: 'r2', event: 'x-test2' }), inbound(), recorder().respond);
    pkg.set(resource, 1);
    await a.notifyResource('x-test2', resource);
    await a.stop(); // its local timer goes with it
    clock.advance(1000);
    assert.equal((await b.sweep()).deferred, 0, 'not due yet');
    clock.advance(1000);
    assert.equal((await b.sweep()).deferred, 1);
    await settle(b);
    assert.equal(transport.received.length, 2);
    assert.match(transport.received[1]?.body ?? '', /state=1 /);
    await b.stop();
  });

  it('honorMaxRate applies the subscriber\'s max-rate and reflects it in Subscription-State (§5.2); pending → active is exempt', async () => {
    const pkg = new TestPackage();
    pkg.policy.set('alice@example.com', 'pending');
    const transport = new FakeTransport();
    const clock = new FakeClock(Date.now());
    const notifier = new Notifier({ redis: ns.client(), transport, packages: [pkg], clock, rateControl: { honorMaxRate: true } });
    const resource = 'r3@example.com';
    pkg.set(resource, 0);
    await notifier.handleSubscribe(subscribe({ user: 'r3', event: 'x-test;max-rate=0.5' }), inbound(), recorder().respond);
    assert.equal(transport.received[0]?.state, 'pending;expires=600;max-rate=0.5');
    pkg.policy.set('alice@example.com', 'active');
    await notifier.reauthorize('x-test', resource);
    assert.equal(transport.received.length, 2, 'pending → active goes out at once');
    assert.equal(transport.received[1]?.state, 'active;expires=600;max-rate=0.5');
    pkg.set(resource, 1);
    await notifier.notifyResource('x-test', resource);
    await notifier.idle();
    assert.equal(transport.received.length, 2);
    clock.advance(2000);
    await settle(notifier);
    assert.equal(transport.received.length, 3);
    await notifier.stop();
  });
});
