import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { presenceKeys, subscriptionKeys } from '@simple/contracts';
import { UserStore } from '@simple/users';
import { freePort, runSipp, startService, type ServiceProcess, type SippRun } from '@simple/testkit';

export const scenario = (name: string): string => fileURLToPath(new URL(`../sipp/${name}`, import.meta.url));

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 50 ms until it holds; throws `what` after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(50);
  }
}

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });

/**
 * A fresh domain with users in Redis (the machine's), a NATS server of its own
 * (so that the presence processes of this test file form the only
 * `simple.v1.presence` queue group: test files run side by side, and another
 * file's replicas must not take this file's requests), a sip-edge (UDP and TCP
 * on one port) and `replicas` presence processes.
 */
export class PresenceHarness {
  readonly domain = `pres-${randomBytes(4).toString('hex')}.test`;
  readonly password = 'pw-' + randomBytes(6).toString('hex');
  readonly redis = new Redis('redis://127.0.0.1:6379');
  readonly presence: ServiceProcess[] = [];
  /** The ops (metrics) port of each presence process, in order. */
  readonly presenceOps: number[] = [];
  sipPort = 0;
  edge: ServiceProcess | undefined;
  private readonly users: UserStore;
  private readonly secret = randomBytes(16).toString('hex');

  constructor(private readonly userNames: readonly string[]) {
    this.users = new UserStore(this.redis);
  }

  natsUrl = '';
  private nats: ChildProcess | undefined;
  private natsDir = '';

  async start(replicas = 1, edgeEnv: Readonly<Record<string, string>> = {}): Promise<void> {
    const natsPort = await freePort();
    this.natsDir = mkdtempSync(join(tmpdir(), 'pres-nats-'));
    this.nats = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', this.natsDir], { stdio: 'ignore' });
    this.natsUrl = `nats://127.0.0.1:${natsPort}`;
    await until('the private nats-server listens', () => listening(natsPort));
    await this.users.addDomain(this.domain);
    for (const u of this.userNames) await this.users.addUser(`${u}@${this.domain}`, this.password);
    for (let i = 0; i < replicas; i++) {
      const ops = await freePort();
      this.presenceOps.push(ops);
      this.presence.push(await startService('presence', { SIMPLE_NATS_URL: this.natsUrl }, ops));
    }
    this.sipPort = await freePort();
    this.edge = await startService(
      'sip-edge',
      {
        SIMPLE_NATS_URL: this.natsUrl,
        SIMPLE_EDGE_ID: `pres-e2e-${randomBytes(3).toString('hex')}`,
        SIMPLE_SIP_LISTEN: '127.0.0.1',
        SIMPLE_SIP_UDP_PORT: String(this.sipPort),
        SIMPLE_SIP_TCP_PORT: String(this.sipPort),
        SIMPLE_SIP_TRANSPORTS: 'udp,tcp',
        SIMPLE_AUTH_SECRET: this.secret,
        ...edgeEnv,
      },
      await freePort(),
    );
  }

  /** Stops the edge and the presence processes still running; returns the presence exit codes. */
  async stop(): Promise<Array<number | null>> {
    await this.edge?.stop();
    const codes: Array<number | null> = [];
    for (const p of this.presence) codes.push(await p.stop());
    for (const u of this.userNames) {
      const aor = `${u}@${this.domain}`;
      await this.redis.del(presenceKeys.publications(aor));
      await this.redis.zrem(presenceKeys.publicationExpiry(), aor);
      const ids = await this.redis.smembers(subscriptionKeys.resourceSubscriptions('presence', aor));
      for (const id of ids) {
        await this.redis.del(subscriptionKeys.subscription(id), subscriptionKeys.subscriptionSender(id));
        await this.redis.zrem(subscriptionKeys.subscriptionExpiry('presence'), id);
      }
      await this.redis.del(subscriptionKeys.resourceSubscriptions('presence', aor));
    }
    for (const u of await this.users.listUsers(this.domain)) await this.users.removeUser(u);
    await this.users.removeDomain(this.domain);
    await this.redis.quit();
    const nats = this.nats;
    if (nats !== undefined && nats.exitCode === null) {
      const gone = new Promise((r) => nats.once('exit', r));
      nats.kill('SIGTERM');
      await gone;
    }
    if (this.natsDir !== '') rmSync(this.natsDir, { recursive: true, force: true });
    return codes;
  }

  /** The sum of a presence process's counter samples whose line starts with `metric`. */
  async counter(replica: number, metric: string): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${this.presenceOps[replica] ?? 0}/metrics`)).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith(metric))
      .reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  }

  aor(user: string): string {
    return `${user}@${this.domain}`;
  }

  /** SIPp as `user` through the edge, one call, bounded. */
  sipp(file: string, user: string, extra: readonly string[] = [], timeoutSec = 20): Promise<SippRun> {
    return runSipp({
      scenario: scenario(file),
      target: `127.0.0.1:${this.sipPort}`,
      transport: 'u1',
      calls: 1,
      rate: 1,
      timeoutSec,
      extraArgs: ['-s', user, '-au', user, '-ap', this.password, '-set', 'domain', this.domain, ...extra],
    });
  }

  /** The ids of the live presence subscriptions to `user` (the framework's index, hashes that still exist). */
  async subscriptions(user: string): Promise<string[]> {
    const ids = await this.redis.smembers(subscriptionKeys.resourceSubscriptions('presence', this.aor(user)));
    const live: string[] = [];
    for (const id of ids) if ((await this.redis.exists(subscriptionKeys.subscription(id))) === 1) live.push(id);
    return live;
  }

  /** Waits until `user` has `count` live subscriptions, each with at least one NOTIFY answered. */
  async untilSubscribed(user: string, count = 1, timeoutMs = 10_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ids = await this.subscriptions(user);
      if (ids.length === count) {
        const done = await Promise.all(ids.map((id) => this.redis.hget(subscriptionKeys.subscription(id), 'done')));
        if (done.every((d) => Number(d ?? 0) >= 1)) return ids;
      }
      if (Date.now() > deadline) throw new Error(`${user}: ${ids.length} subscription(s) in Redis, wanted ${count} with a NOTIFY answered`);
      await sleep(50);
    }
  }

  /** Waits until `user` has no live subscription. */
  async untilUnsubscribed(user: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.subscriptions(user)).length > 0) {
      if (Date.now() > deadline) throw new Error(`${user} still has a subscription in Redis`);
      await sleep(50);
    }
  }

  why(run: { stdout: string; stderr: string }): string {
    return `${run.stderr}\n${run.stdout}\n${this.logs()}`;
  }

  logs(): string {
    return `${this.presence.map((p, i) => `--- presence ${i}:\n${p.output()}`).join('\n')}\n--- edge:\n${this.edge?.output() ?? ''}`;
  }
}
