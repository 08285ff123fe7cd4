import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { subscriptionKeys } from '@simple/contracts';
import { sippAvailable, skipUnless } from '@simple/testkit';
import { PresenceHarness, until } from './harness.js';

/**
 * RFC 6665 subscription life-cycle through the real edge with SIPp (issue 4,
 * "Done when"): refresh, fetch, a NOTIFY on every change, and removal of a
 * watcher that answers a NOTIFY with 481. Scenarios in `test/sipp/`.
 */
describe('presence subscriptions end to end (sip-edge + presence, SIPp)', { skip: skipUnless(sippAvailable(), 'sipp is not installed') }, () => {
  const h = new PresenceHarness(['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi']);

  before(async () => {
    await h.start();
  });

  after(async () => {
    const codes = await h.stop();
    assert.deepEqual(codes, [0], `presence did not drain cleanly:\n${h.logs()}`);
  });

  it('refresh - an in-dialog re-SUBSCRIBE gets 200 and a NOTIFY with the composed state', { timeout: 60_000 }, async () => {
    const pub = await h.sipp('uac-publish-open-keep-expect-200.xml', 'alice');
    assert.equal(pub.code, 0, h.why(pub));
    const run = await h.sipp('uac-subscribe-refresh-expect-200-and-notify.xml', 'bob', ['-set', 'presentity', 'alice']);
    assert.equal(run.code, 0, h.why(run));
    assert.deepEqual(await h.subscriptions('alice'), [], 'the unsubscribe removed the subscription');
  });

  it('fetch - SUBSCRIBE with Expires 0 gets 200 (Expires 0) and exactly one NOTIFY, terminated, with the state; nothing is stored', { timeout: 60_000 }, async () => {
    // alice's "open" publication from the previous test is still there.
    const run = await h.sipp('uac-subscribe-fetch-expect-terminated-notify.xml', 'carol', ['-set', 'presentity', 'alice']);
    assert.equal(run.code, 0, h.why(run));
    assert.deepEqual(await h.subscriptions('alice'), [], 'a fetch stores no subscription');
  });

  it('a NOTIFY on every change - closed (none), then open, then closed, as the publisher (a second SIPp) changes state', { timeout: 60_000 }, async () => {
    const watcher = h.sipp('uac-subscribe-expect-notify-on-each-change.xml', 'erin', ['-set', 'presentity', 'dave'], 30);
    await h.untilSubscribed('dave');
    const pub = await h.sipp('uac-publish-open-then-closed-expect-200.xml', 'dave');
    assert.equal(pub.code, 0, h.why(pub));
    const run = await watcher;
    assert.equal(run.code, 0, h.why(run));
    assert.deepEqual(await h.subscriptions('dave'), []);
  });

  it('a watcher that answers a NOTIFY with 481 is removed: gone from Redis, and no further NOTIFY goes to it', { timeout: 60_000 }, async () => {
    const watcher = h.sipp('uac-subscribe-answer-notify-481-expect-removed.xml', 'grace', ['-set', 'presentity', 'frank'], 30);
    const [id] = await h.untilSubscribed('frank');
    assert.ok(id !== undefined);
    // A change: its NOTIFY is answered 481.
    const first = await h.sipp('uac-publish-open-keep-expect-200.xml', 'frank');
    assert.equal(first.code, 0, h.why(first));
    await h.untilUnsubscribed('frank');
    // The index and the expiry set are cleaned just after the hash (other slots).
    await until('the subscription leaves the index and the expiry set', async () =>
      (await h.redis.sismember(subscriptionKeys.resourceSubscriptions('presence', h.aor('frank')), id)) === 0 &&
      (await h.redis.zscore(subscriptionKeys.subscriptionExpiry('presence'), id)) === null);
    // Another change: nobody is told (the scenario fails on any NOTIFY within 6 s).
    const second = await h.sipp('uac-publish-open-then-closed-expect-200.xml', 'frank');
    assert.equal(second.code, 0, h.why(second));
    const run = await watcher;
    assert.equal(run.code, 0, h.why(run));
  });
});
