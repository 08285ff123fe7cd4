import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readPresenceConfig } from '../src/config.js';

describe('presence config', () => {
  it('config - defaults', () => {
    const c = readPresenceConfig({});
    assert.equal(c.authPolicy, 'same-domain');
    assert.deepEqual({ ...c.publication }, { min: 60, max: 3600, default: 3600 });
    assert.equal(c.minNotifyIntervalMs, 0, 'rate control is off by default');
    assert.equal(c.honorMaxRate, false);
  });

  it('config - bad settings are refused by name', () => {
    assert.throws(() => readPresenceConfig({ SIMPLE_PRESENCE_AUTH_POLICY: 'everyone' }), /SIMPLE_PRESENCE_AUTH_POLICY/);
    assert.throws(() => readPresenceConfig({ SIMPLE_PRESENCE_PUB_MIN_EXPIRES: '600', SIMPLE_PRESENCE_PUB_DEFAULT_EXPIRES: '300' }), /SIMPLE_PRESENCE_PUB/);
  });
});
