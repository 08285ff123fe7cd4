import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@simple/platform';
import { readXcapConfig } from '../src/config.js';

describe('xcap config', () => {
  it('defaults - port 8080, gRPC 127.0.0.1:50051 without a token, root /xcap-root, 1 MiB bodies, frozen', () => {
    const c = readXcapConfig({});
    assert.equal(c.SIMPLE_XCAP_PORT, 8080);
    assert.equal(c.SIMPLE_XCAP_ROOT, '/xcap-root');
    assert.equal(c.SIMPLE_XCAP_MAX_BYTES, 1 << 20);
    assert.equal(c.SIMPLE_XCAP_GRPC_LISTEN, '127.0.0.1');
    assert.equal(c.SIMPLE_XCAP_GRPC_PORT, 50051);
    assert.equal(c.SIMPLE_XCAP_GRPC_TOKEN, undefined);
    assert.ok(Object.isFrozen(c));
  });

  it('grpc - beyond the loopback the API needs a token (RFC 4826 §4.4.9: trusted elements only), of 16 characters at least', () => {
    assert.throws(() => readXcapConfig({ SIMPLE_XCAP_GRPC_LISTEN: '0.0.0.0' }), (e: unknown) => e instanceof ConfigError && /SIMPLE_XCAP_GRPC_TOKEN/.test(e.message));
    assert.throws(() => readXcapConfig({ SIMPLE_XCAP_GRPC_LISTEN: '0.0.0.0', SIMPLE_XCAP_GRPC_TOKEN: 'short' }), ConfigError);
    assert.equal(readXcapConfig({ SIMPLE_XCAP_GRPC_LISTEN: '0.0.0.0', SIMPLE_XCAP_GRPC_TOKEN: 'a-long-enough-shared-secret' }).SIMPLE_XCAP_GRPC_LISTEN, '0.0.0.0');
  });

  it('grpc - the gRPC address is read, and a port out of range refused', () => {
    const c = readXcapConfig({ SIMPLE_XCAP_GRPC_LISTEN: '127.0.0.1', SIMPLE_XCAP_GRPC_PORT: '50100' });
    assert.equal(c.SIMPLE_XCAP_GRPC_LISTEN, '127.0.0.1');
    assert.equal(c.SIMPLE_XCAP_GRPC_PORT, 50100);
    assert.throws(() => readXcapConfig({ SIMPLE_XCAP_GRPC_PORT: '70000' }), ConfigError);
  });

  it('root - "/" is the host root; a root without a leading slash or with a trailing one is refused', () => {
    assert.equal(readXcapConfig({ SIMPLE_XCAP_ROOT: '/' }).SIMPLE_XCAP_ROOT, '');
    assert.throws(() => readXcapConfig({ SIMPLE_XCAP_ROOT: 'xcap' }), ConfigError);
    assert.throws(() => readXcapConfig({ SIMPLE_XCAP_ROOT: '/xcap/' }), ConfigError);
  });
});
