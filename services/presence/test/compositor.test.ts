import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { FakeClock } from '@simple/clock';
import { presenceKeys } from '@simple/contracts';
import { PresenceCompositor } from '../src/presence-compositor.js';
import { composedPresence } from '../src/presence-package.js';
import { PublicationSweeper } from '../src/publication-sweeper.js';
import { freshAor, inbound, pidf, publish } from './support.js';

const BOUNDS = { min: 60, max: 3600, default: 3600 };

describe('presence compositor (RFC 3903 §6) against Redis', () => {
  let redis: Redis;
  const used: string[] = [];
  const setup = (): { aor: string; clock: FakeClock; esc: PresenceCompositor } => {
    const aor = freshAor();
    used.push(aor);
    const clock = new FakeClock(Date.now());
    return { aor, clock, esc: new PresenceCompositor({ redis, clock, expires: BOUNDS }) };
  };

  before(() => {
    redis = new Redis('redis://127.0.0.1:6379');
  });
  after(async () => {
    for (const aor of used) {
      await redis.del(presenceKeys.publications(aor));
      await redis.zrem(presenceKeys.publicationExpiry(), aor);
    }
    await redis.quit();
  });

  it('publish - initial, refresh, modify, remove each get 200 with a new SIP-ETag', async () => {
    const { aor, esc, clock } = setup();
    const p1 = await esc.handlePublish(publish(aor, { expires: 120, body: pidf(aor, 't1', 'open') }), inbound(aor));
    assert.equal(p1.response.status, 200);
    assert.equal(p1.result, 'initial');
    assert.equal(p1.changed, aor);
    const e1 = p1.response.headers.get('sip-etag');
    assert.ok(e1);
    assert.equal(p1.response.headers.get('expires'), '120');
    assert.match(await composedPresence(esc.store, aor, clock.now()), /<basic>open<\/basic>/);

    const p2 = await esc.handlePublish(publish(aor, { expires: 120, ifMatch: e1 }), inbound(aor));
    assert.equal(p2.response.status, 200);
    assert.equal(p2.result, 'refresh');
    assert.equal(p2.changed, undefined, 'a refresh changes no state');
    const e2 = p2.response.headers.get('sip-etag');
    assert.ok(e2 && e2 !== e1);

    const p3 = await esc.handlePublish(publish(aor, { expires: 120, ifMatch: e2, body: pidf(aor, 't1', 'closed') }), inbound(aor));
    assert.equal(p3.response.status, 200);
    assert.equal(p3.result, 'modify');
    const e3 = p3.response.headers.get('sip-etag');
    assert.ok(e3 && e3 !== e2);
    const doc = await composedPresence(esc.store, aor, clock.now());
    assert.match(doc, /<basic>closed<\/basic>/);
    assert.doesNotMatch(doc, /<basic>open<\/basic>/);

    const p4 = await esc.handlePublish(publish(aor, { expires: 0, ifMatch: e3 }), inbound(aor));
    assert.equal(p4.response.status, 200);
    assert.equal(p4.result, 'remove');
    assert.equal(p4.response.headers.get('expires'), '0');
    assert.equal((await esc.store.live(aor, clock.now())).length, 0);
    assert.equal(await redis.zscore(presenceKeys.publicationExpiry(), aor), null);
  });

  it('publish - an unknown or used SIP-If-Match gets 412', async () => {
    const { aor, esc } = setup();
    const unknown = await esc.handlePublish(publish(aor, { expires: 120, ifMatch: 'nosuchetag' }), inbound(aor));
    assert.equal(unknown.response.status, 412);
    const p1 = await esc.handlePublish(publish(aor, { expires: 120, body: pidf(aor, 't1', 'open') }), inbound(aor));
    const e1 = p1.response.headers.get('sip-etag') ?? '';
    const p2 = await esc.handlePublish(publish(aor, { expires: 120, ifMatch: e1 }), inbound(aor));
    assert.equal(p2.response.status, 200);
    const stale = await esc.handlePublish(publish(aor, { expires: 120, ifMatch: e1 }), inbound(aor));
    assert.equal(stale.response.status, 412, 'the entity-tag a refresh replaced is stale');
  });

  it('publish - Expires below the minimum gets 423 with Min-Expires; above the maximum is capped', async () => {
    const { aor, esc } = setup();
    const short = await esc.handlePublish(publish(aor, { expires: 10, body: pidf(aor, 't1', 'open') }), inbound(aor));
    assert.equal(short.response.status, 423);
    assert.equal(short.response.headers.get('min-expires'), '60');
    const long = await esc.handlePublish(publish(aor, { expires: 999_999, body: pidf(aor, 't1', 'open') }), inbound(aor));
    assert.equal(long.response.status, 200);
    assert.equal(long.response.headers.get('expires'), '3600');
    const dflt = await esc.handlePublish(publish(aor, { body: pidf(aor, 't2', 'open') }), inbound(aor));
    assert.equal(dflt.response.headers.get('expires'), '3600');
  });

  it('publish - 489 for another event, 415 for a non-PIDF body, 400 for bad PIDF or no body, 403 for another identity', async () => {
    const { aor, esc } = setup();
    const ev = await esc.handlePublish(publish(aor, { event: 'dialog', body: pidf(aor, 't1', 'open') }), inbound(aor));
    assert.equal(ev.response.status, 489);
    assert.equal(ev.response.headers.get('allow-events'), 'presence');
    const ct = await esc.handlePublish(publish(aor, { body: 'hello', contentType: 'text/plain' }), inbound(aor));
    assert.equal(ct.response.status, 415);
    assert.equal(ct.response.headers.get('accept'), 'application/pidf+xml');
    const bad = await esc.handlePublish(publish(aor, { body: '<presence xmlns="urn:ietf:params:xml:ns:pidf"' }), inbound(aor));
    assert.equal(bad.response.status, 400);
    const notPidf = await esc.handlePublish(publish(aor, { body: '<foo/>' }), inbound(aor));
    assert.equal(notPidf.response.status, 400);
    const noBody = await esc.handlePublish(publish(aor, { expires: 60 }), inbound(aor));
    assert.equal(noBody.response.status, 400);
    const other = await esc.handlePublish(publish(aor, { body: pidf(aor, 't1', 'open') }), inbound(`mallory@${aor.split('@')[1]}`));
    assert.equal(other.response.status, 403);
    assert.equal((await esc.store.live(aor, Date.now())).length, 0, 'nothing was stored');
  });

  it('publish - two devices are composed into one document', async () => {
    const { aor, esc, clock } = setup();
    await esc.handlePublish(publish(aor, { expires: 120, body: pidf(aor, 'phone', 'open', 'on the phone') }), inbound(aor));
    clock.advance(1000);
    await esc.handlePublish(publish(aor, { expires: 120, body: pidf(aor, 'laptop', 'closed', 'laptop asleep') }), inbound(aor));
    const doc = await composedPresence(esc.store, aor, clock.now());
    assert.match(doc, /id="phone"/);
    assert.match(doc, /id="laptop"/);
    assert.match(doc, /<basic>open<\/basic>/);
    assert.match(doc, /<basic>closed<\/basic>/);
    assert.match(doc, new RegExp(`entity="sip:${aor}"`));
  });

  it('publish - no publication composes closed presence', async () => {
    const { aor, esc, clock } = setup();
    const doc = await composedPresence(esc.store, aor, clock.now());
    assert.match(doc, /<basic>closed<\/basic>/);
  });

  it('expiry - a lapsed publication is gone, 412 for its tag, and the sweeper announces it', async () => {
    const { aor, esc, clock } = setup();
    const p1 = await esc.handlePublish(publish(aor, { expires: 60, body: pidf(aor, 'phone', 'open') }), inbound(aor));
    const e1 = p1.response.headers.get('sip-etag') ?? '';
    await esc.handlePublish(publish(aor, { expires: 600, body: pidf(aor, 'laptop', 'open') }), inbound(aor));
    const lapsed: string[] = [];
    const sweeper = new PublicationSweeper({ redis, store: esc.store, clock, onLapsed: (a) => lapsed.push(a), leaseMs: 1000, leaseName: `presence-test-${aor}` });
    clock.advance(59_000);
    await sweeper.tick();
    assert.deepEqual(lapsed.filter((a) => a === aor), []);
    clock.advance(2_000);
    assert.equal((await esc.store.live(aor, clock.now())).length, 1, 'a lapsed publication is never read');
    await sweeper.tick();
    assert.ok(lapsed.includes(aor), 'the sweeper reported the presentity');
    assert.equal(await redis.hlen(presenceKeys.publications(aor)), 1);
    assert.ok(Number(await redis.zscore(presenceKeys.publicationExpiry(), aor)) > clock.now(), 'the index holds the next expiry');
    const late = await esc.handlePublish(publish(aor, { expires: 60, ifMatch: e1 }), inbound(aor));
    assert.equal(late.response.status, 412);
    await sweeper.stop();
  });
});
