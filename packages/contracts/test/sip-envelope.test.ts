import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readInbound, redisKeys, subjects, tokenize, writeInbound, type HeaderMap } from '@simple/contracts';

class Headers implements HeaderMap {
  readonly m = new Map<string, string>();
  get(n: string): string {
    return this.m.get(n) ?? '';
  }
  set(n: string, v: string): void {
    this.m.set(n, v);
  }
}

describe('contracts', () => {
  it('envelope - an inbound envelope survives headers, IPv6 remote included', () => {
    const h = new Headers();
    const env = { flow: { edgeId: 'e1', flowId: 'tcp-1', transport: 'TCP', remoteAddress: '2001:db8::7', remotePort: 5062 }, identity: 'alice@example.com', receivedAt: 1700000000000 };
    writeInbound(h, env);
    assert.deepEqual(readInbound(h), env);
  });

  it('envelope - no flow, no envelope', () => {
    assert.equal(readInbound(new Headers()), undefined);
  });

  it('redis keys - one hash tag per resource, so that one AOR lives on one cluster slot', () => {
    assert.equal(redisKeys.bindings('alice@example.com'), 'simple:loc:{alice@example.com}');
    assert.equal(redisKeys.user('alice@example.com'), 'simple:user:{alice@example.com}');
    assert.equal(redisKeys.domain('Example.COM'), 'simple:domain:{example.com}');
  });

  it('subjects - versioned, and domain tokens cannot break the subject', () => {
    assert.equal(subjects.sipToService('presence'), 'simple.v1.sip.service.presence');
    assert.equal(subjects.registrationChanged('a.b.c'), 'simple.v1.events.registration.a_b_c');
    assert.equal(tokenize('x*y>z w'), 'x_y_z_w');
  });
});
