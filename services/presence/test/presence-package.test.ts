import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { systemClock } from '@simple/clock';
import { presenceKeys } from '@simple/contracts';
import { Notifier, type NotifyTransport } from '@simple/sip-events';
import { createResponse, type SipRequest, type SipResponse } from '@simple/sip-message';
import type { AuthPolicy } from '../src/config.js';
import { PresenceCompositor } from '../src/presence-compositor.js';
import { authorizeWatcher, presencePackage } from '../src/presence-package.js';
import { freshAor, inbound, pidf, publish, subscribeRequest } from './support.js';

const BOUNDS = { min: 60, max: 3600, default: 3600 };

describe('presence event package (RFC 3856) on the notifier framework', () => {
  let redis: Redis;
  const notifiers: Notifier[] = [];
  const aors: string[] = [];

  before(() => {
    redis = new Redis('redis://127.0.0.1:6379');
  });
  after(async () => {
    // End the test subscriptions (final NOTIFYs go to the recording transport), so that no record is left behind.
    for (const aor of aors) await notifiers[0]?.terminateResource('presence', aor, 'noresource');
    for (const n of notifiers) await n.stop();
    for (const aor of aors) {
      await redis.del(presenceKeys.publications(aor));
      await redis.zrem(presenceKeys.publicationExpiry(), aor);
    }
    await redis.quit();
  });

  /** A notifier with the presence package whose NOTIFYs are recorded and answered 200. */
  const rig = (policy: AuthPolicy): { esc: PresenceCompositor; notifier: Notifier; sent: SipRequest[] } => {
    const sent: SipRequest[] = [];
    const transport: NotifyTransport = {
      timeoutMs: 1000,
      send: (request) => {
        sent.push(request);
        return Promise.resolve({ kind: 'response', response: createResponse(request, 200) });
      },
    };
    const esc = new PresenceCompositor({ redis, clock: systemClock, expires: BOUNDS });
    const notifier = new Notifier({ redis, transport, packages: [presencePackage({ store: esc.store, clock: systemClock, policy, expires: BOUNDS })] });
    notifiers.push(notifier);
    return { esc, notifier, sent };
  };

  it('authorization - the policies', () => {
    const r = (watcher: string) => ({ resource: 'bob@a.test', watcher });
    assert.equal(authorizeWatcher('same-domain', r('alice@a.test')), 'active');
    assert.equal(authorizeWatcher('same-domain', r('eve@b.test')), 'polite-block');
    assert.equal(authorizeWatcher('deny-foreign', r('eve@b.test')), 'rejected');
    assert.equal(authorizeWatcher('deny-foreign', r('alice@A.TEST')), 'active');
    assert.equal(authorizeWatcher('allow-all', r('eve@b.test')), 'active');
  });

  it('subscribe - a watcher of the domain gets the composed PIDF; a foreign one, politely blocked, gets closed', async () => {
    const { esc, notifier, sent } = rig('same-domain');
    const bob = freshAor('bob');
    aors.push(bob);
    const domain = bob.split('@')[1] ?? '';
    const p = await esc.handlePublish(publish(bob, { expires: 600, body: pidf(bob, 'phone', 'open', 'secret note') }), inbound(bob));
    assert.equal(p.response.status, 200);

    const responses: SipResponse[] = [];
    const local = await notifier.handleSubscribe(subscribeRequest(`alice@${domain}`, bob), inbound(`alice@${domain}`), (res) => {
      responses.push(res);
    });
    assert.equal(local.status, 200);
    const n1 = sent.at(-1);
    assert.ok(n1);
    assert.equal(n1.headers.get('content-type'), 'application/pidf+xml');
    assert.match(n1.body.toString(), /<basic>open<\/basic>/);
    assert.match(n1.body.toString(), /secret note/);

    const foreign = await notifier.handleSubscribe(subscribeRequest('eve@elsewhere.test', bob), inbound('eve@elsewhere.test'), (res) => {
      responses.push(res);
    });
    assert.equal(foreign.status, 200, 'polite blocking looks like success (RFC 3856 §6.6.2)');
    const n2 = sent.at(-1);
    assert.ok(n2 && n2 !== n1);
    assert.match(n2.headers.get('subscription-state') ?? '', /^active/);
    assert.match(n2.body.toString(), /<basic>closed<\/basic>/);
    assert.doesNotMatch(n2.body.toString(), /secret note|phone/, 'a blocked watcher learns nothing');

    // A change NOTIFYs the watchers (RFC 6665 §4.2.2); the blocked one still sees only closed.
    const before = sent.length;
    const etag = p.response.headers.get('sip-etag') ?? '';
    await esc.handlePublish(publish(bob, { expires: 600, ifMatch: etag, body: pidf(bob, 'phone', 'closed', 'gone') }), inbound(bob));
    const fan = await notifier.notifyResource('presence', bob);
    assert.equal(fan.queued, 2);
    await notifier.idle();
    const after = sent.slice(before);
    assert.equal(after.length, 2);
    for (const n of after) assert.match(n.body.toString(), /<basic>closed<\/basic>/);
  });

  it('subscribe - deny-foreign refuses a foreign watcher with 403', async () => {
    const { notifier, sent } = rig('deny-foreign');
    const bob = freshAor('bob');
    aors.push(bob);
    const out = await notifier.handleSubscribe(subscribeRequest('eve@elsewhere.test', bob), inbound('eve@elsewhere.test'), () => undefined);
    assert.equal(out.status, 403);
    assert.equal(sent.length, 0);
  });

  it('subscribe - no publication gives closed presence', async () => {
    const { notifier, sent } = rig('same-domain');
    const bob = freshAor('bob');
    aors.push(bob);
    const out = await notifier.handleSubscribe(subscribeRequest(`carol@${bob.split('@')[1] ?? ''}`, bob), inbound(undefined), () => undefined);
    assert.equal(out.status, 200);
    assert.match(sent.at(-1)?.body.toString() ?? '', /<basic>closed<\/basic>/);
  });
});
