// An XCAP server over the real Redis, listening on 127.0.0.1 and driven over plain HTTP, with
// a provisioned domain and users, a recorder for NATS events, and a digest client that answers
// the server's challenges.
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { xcapKeys } from '@simple/contracts';
import { UserStore } from '@simple/users';
import { buildXcap, buildXcapCore, type XcapCore } from '../../src/build-xcap.js';
import type { ChangePublisher } from '../../src/document-store.js';
import { digestAuthorization } from '@simple/testkit';

export const PASSWORD = 'correct horse battery';

/** A response as it came over the wire. */
export interface XcapResponse {
  readonly statusCode: number;
  /** Header values by lower-case name: a string, or every value when the header came more than once (WWW-Authenticate). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export interface Published {
  readonly subject: string;
  readonly data: Record<string, unknown>;
}

export interface Harness {
  readonly app: FastifyInstance;
  /** The store and usages the app serves (for the gRPC read API). */
  readonly core: XcapCore;
  readonly redis: Redis;
  readonly users: UserStore;
  readonly domain: string;
  readonly root: string;
  /** The server's origin, `http://127.0.0.1:<port>` (XCAP URIs in error reports start with it). */
  readonly base: string;
  readonly events: Published[];
  /** An address of record of the test domain: `aor('bill')`. */
  aor(user: string): string;
  /** `sip:<user>@<domain>`. */
  xui(user: string): string;
  /** A request as `user` (digest, answering the challenge); anonymous when user is undefined. */
  request(user: string | undefined, opts: RequestOptions): Promise<XcapResponse>;
  close(): Promise<void>;
}

export interface RequestOptions {
  readonly method: 'GET' | 'PUT' | 'DELETE' | 'POST' | 'HEAD';
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** Digest algorithm to answer with (default SHA-256). */
  readonly algorithm?: 'MD5' | 'SHA-256';
  readonly password?: string;
}

/** `publisher`: where change events go besides `events` (NATS in the gRPC cache tests). */
export async function startHarness(users: readonly string[], root = '/xcap-root', publisher?: ChangePublisher): Promise<Harness> {
  const redis = new Redis('redis://127.0.0.1:6379');
  const store = new UserStore(redis);
  const domain = `xcap-${randomBytes(4).toString('hex')}.test`;
  await store.addDomain(domain);
  for (const u of users) await store.addUser(`${u}@${domain}`, PASSWORD);
  const events: Published[] = [];
  const deps = {
    redis,
    users: store,
    publisher: {
      publish: (subject: string, data: string) => {
        events.push({ subject, data: JSON.parse(data) as Record<string, unknown> });
        publisher?.publish(subject, data);
      },
    },
  };
  const core = buildXcapCore(deps);
  const app = buildXcap({ SIMPLE_XCAP_ROOT: root, SIMPLE_XCAP_MAX_BYTES: 1 << 20 }, deps, core);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  /** One HTTP/1.1 exchange, the request target sent byte for byte as given. */
  const exchange = (method: string, path: string, headers: Record<string, string>, body: string | Buffer | undefined): Promise<XcapResponse> =>
    new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { ...headers, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        const headers = Object.fromEntries(Object.entries(res.headersDistinct).map(([k, v]) => [k, v !== undefined && v.length === 1 ? v[0] : v]));
        res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  const h: Harness = {
    app,
    core,
    redis,
    users: store,
    domain,
    root,
    base: `http://127.0.0.1:${port}`,
    events,
    aor: (u) => `${u}@${domain}`,
    xui: (u) => `sip:${u}@${domain}`,
    async request(user, opts) {
      // As an HTTP client sends it: the characters a URI may not hold are percent-encoded (RFC 4825 §6.3).
      const url = opts.url.replace(/[[\]" <>]/g, (c) => encodeURIComponent(c));
      const headers = { ...(opts.headers ?? {}) };
      const first = await exchange(opts.method, url, headers, opts.body);
      if (user === undefined || first.statusCode !== 401) return first;
      const authorization = digestAuthorization({
        user,
        password: opts.password ?? PASSWORD,
        method: opts.method,
        uri: url,
        algorithm: opts.algorithm ?? 'SHA-256',
        challenges: [first.headers['www-authenticate'] ?? []].flat(),
      });
      return exchange(opts.method, url, { ...headers, authorization }, opts.body);
    },
    async close() {
      await app.close();
      for (const u of users) {
        const xui = `sip:${u}@${domain}`;
        const docs = await redis.hkeys(xcapKeys.directory(xui));
        for (const f of docs) {
          const slash = f.indexOf('/');
          await redis.del(xcapKeys.document(f.slice(0, slash), xui, f.slice(slash + 1)), xcapKeys.history(f.slice(0, slash), xui, f.slice(slash + 1)), xcapKeys.rlsOwnedServices(xui, f.slice(slash + 1)));
        }
        await redis.del(xcapKeys.directory(xui));
        await store.removeUser(`${u}@${domain}`);
      }
      const globalServices = (await redis.hkeys(xcapKeys.rlsGlobalServices())).filter((uri) => uri.endsWith(`@${domain}`));
      if (globalServices.length > 0) await redis.hdel(xcapKeys.rlsGlobalServices(), ...globalServices);
      const rlsKeys = await redis.keys(`${xcapKeys.rlsServiceUris(domain)}*`);
      if (rlsKeys.length > 0) await redis.del(...rlsKeys);
      await store.removeDomain(domain);
      await redis.quit();
    },
  };
  return h;
}
