import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ConnectionTable, type Connection, type Flow } from '../src/index.js';
import { FakeClock } from './helpers.js';

class FakeConnection implements Connection {
  isOpen = true;
  lastActivity: number;
  readonly outbound = false;
  constructor(
    readonly flow: Flow,
    private readonly clock: FakeClock,
  ) {
    this.lastActivity = clock.now();
  }
  send(): Promise<void> {
    this.lastActivity = this.clock.now();
    return Promise.resolve();
  }
  close(): void {
    this.isOpen = false;
  }
}

function flow(id: string, address: string, port: number): Flow {
  return { id, protocol: 'TCP', local: { address: '127.0.0.1', port: 5060 }, remote: { address, port } };
}

describe('ConnectionTable', () => {
  it('index - by far end and by flow id; IPv6 spellings match', () => {
    const clock = new FakeClock();
    const table = new ConnectionTable({ clock, maxConnections: 10, idleTimeoutMs: 1000 });
    const a = new FakeConnection(flow('a', '2001:db8::1', 5060), clock);
    assert.ok(table.reserve());
    table.add(a);
    assert.equal(table.getByFlowId('a'), a);
    assert.equal(table.getByRemote('TCP', '[2001:DB8:0::1]', 5060), a);
    assert.equal(table.getByRemote('TLS', '2001:db8::1', 5060), undefined);
    assert.equal(table.getByRemote('TCP', '2001:db8::1', 5061), undefined);
    a.close();
    assert.equal(table.getByFlowId('a'), undefined, 'closed connections are not handed out');
    table.closeAll();
  });

  it('index - removing one connection lets another to the same far end take over', () => {
    const clock = new FakeClock();
    const table = new ConnectionTable({ clock, maxConnections: 10, idleTimeoutMs: 1000 });
    const a = new FakeConnection(flow('a', '192.0.2.1', 5060), clock);
    const b = new FakeConnection(flow('b', '192.0.2.1', 5060), clock);
    table.reserve();
    table.add(a);
    table.reserve();
    table.add(b);
    assert.equal(table.getByRemote('TCP', '192.0.2.1', 5060), b);
    table.remove(b);
    assert.equal(table.getByRemote('TCP', '192.0.2.1', 5060), a);
    assert.equal(table.size, 1);
    table.closeAll();
  });

  it('bounded - reserve fails once maxConnections are open or being opened', () => {
    const clock = new FakeClock();
    const table = new ConnectionTable({ clock, maxConnections: 2, idleTimeoutMs: 1000 });
    assert.ok(table.reserve());
    assert.ok(table.reserve());
    assert.equal(table.reserve(), false);
    table.release();
    assert.ok(table.reserve());
    table.add(new FakeConnection(flow('x', '192.0.2.9', 1), clock));
    assert.equal(table.reserve(), false);
    table.closeAll();
  });

  it('idle timeout - closes connections without traffic, keeps busy ones', () => {
    const clock = new FakeClock();
    const idled: string[] = [];
    const table = new ConnectionTable({ clock, maxConnections: 10, idleTimeoutMs: 1000, onIdleClose: (c) => idled.push(c.flow.id) });
    const quiet = new FakeConnection(flow('quiet', '192.0.2.1', 1), clock);
    const busy = new FakeConnection(flow('busy', '192.0.2.2', 2), clock);
    table.reserve();
    table.add(quiet);
    table.reserve();
    table.add(busy);
    clock.advance(600);
    void busy.send();
    clock.advance(500);
    assert.deepEqual(idled, ['quiet']);
    assert.equal(quiet.isOpen, false);
    assert.equal(busy.isOpen, true);
    assert.equal(table.getByFlowId('quiet'), undefined);
    clock.advance(1000);
    assert.deepEqual(idled, ['quiet', 'busy']);
    assert.equal(table.size, 0);
    assert.equal(clock.pending, 0);
  });

  it('closeAll - closes everything and cancels timers', () => {
    const clock = new FakeClock();
    const table = new ConnectionTable({ clock, maxConnections: 10, idleTimeoutMs: 1000 });
    const c = new FakeConnection(flow('c', '192.0.2.1', 1), clock);
    table.reserve();
    table.add(c);
    table.closeAll();
    assert.equal(c.isOpen, false);
    assert.equal(clock.pending, 0);
  });
});
