import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@simple/platform';
import { readXcapConfig } from '../src/config.js';

describe('xcap config', () => {
  it('defaults - port 8080, root /xcap-root, 1 MiB bodies, frozen', () => {
    const c = readXcapConfig({});
    assert.equal(c.SIMPLE_XCAP_PORT, 8080);
    assert.equal(c.SIMPLE_XCAP_ROOT, '/xcap-root');
    assert.equal(c.SIMPLE_XCAP_MAX_BYTES, 1 << 20);
    assert.ok(Object.isFrozen(c));
  });

  it('root - "/" is the host root; a root without a leading slash or with a trailing one is refused', () => {
    assert.equal(readXcapConfig({ SIMPLE_XCAP_ROOT: '/' }).SIMPLE_XCAP_ROOT, '');
    assert.throws(() => readXcapConfig({ SIMPLE_XCAP_ROOT: 'xcap' }), ConfigError);
    assert.throws(() => readXcapConfig({ SIMPLE_XCAP_ROOT: '/xcap/' }), ConfigError);
  });
});
