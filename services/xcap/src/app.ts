import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { UserDirectory } from '@simple/users';
import type { XcapConfig } from './config.js';
import type { DigestAuthenticator } from './digest-authenticator.js';
import type { XcapService } from './xcap-service.js';
import type { UsageRegistry } from './usages/usage-registry.js';
import { parseXcapUri } from '@simple/xcap-uri';

export interface XcapAppDeps {
  readonly service: XcapService;
  readonly usages: UsageRegistry;
  /** Realms of the domains (the digest realm); the user records are the authenticator's. */
  readonly users: UserDirectory;
  readonly authenticator: DigestAuthenticator;
  /** Counts a finished request by method and status class. */
  readonly onResponse?: (method: string, status: number) => void;
}

const METHODS = ['GET', 'HEAD', 'PUT', 'DELETE', 'POST', 'PATCH', 'OPTIONS'] as const;

/**
 * The XCAP server as a fastify app, built without listening (the caller listens).
 * Each request goes through one short pipeline: parse the URI (404), the method
 * (405), authenticate (401) and authorize (403), then RFC 4825 §8 in XcapService.
 */
export function buildXcapApp(config: Pick<XcapConfig, 'SIMPLE_XCAP_ROOT' | 'SIMPLE_XCAP_MAX_BYTES'>, deps: XcapAppDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: config.SIMPLE_XCAP_MAX_BYTES, exposeHeadRoutes: false });
  const root = config.SIMPLE_XCAP_ROOT;
  // Bodies are XML read by parseXml (or AttValues): take every content type as bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.addHook('onResponse', async (req, reply) => deps.onResponse?.(req.method, reply.statusCode));

  app.setErrorHandler((err, _req, reply) => {
    const e = err as { statusCode?: unknown };
    const status = typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
    return reply.code(status).send();
  });

  app.route({ method: [...METHODS], url: `${root}/*`, handler: (req, reply) => handle(req, reply) });

  async function handle(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const parsed = parseXcapUri(req.url, root);
    if (!parsed.ok) return reply.code(404).send();
    const uri = parsed.value;
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    if (method !== 'GET' && method !== 'PUT' && method !== 'DELETE') return reply.code(405).header('allow', 'GET, PUT, DELETE').send();
    const tree = uri.kind === 'directory' ? uri.tree : uri.document.tree;
    const auid = uri.kind === 'directory' ? uri.auid : uri.document.auid;
    if (tree.kind === 'global') {
      // RFC 4825 §5.7 and §12: global documents are the server's; xcap-caps is readable by anyone.
      const usage = deps.usages.get(auid);
      if (usage === undefined || !usage.globalPublic) return reply.code(404).send();
      if (method !== 'GET') return reply.code(405).header('allow', 'GET').send();
    } else {
      // RFC 4825 §5.7 default authorization policy: "only the user who owns the user tree" reads and writes it.
      const realm = (await deps.users.realmOf(tree.domain)) ?? tree.domain;
      const auth = await deps.authenticator.verify(req.headers.authorization, req.method, realm, tree.domain, req.url);
      if (!auth.ok) return reply.code(401).header('www-authenticate', deps.authenticator.challenges(realm, auth.stale)).send();
      if (auth.user.aor !== tree.aor) return reply.code(403).send();
    }
    const base = `http://${req.headers.host ?? 'localhost'}${root}`;
    const header = (name: string): string | undefined => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    };
    const r = await deps.service.handle({
      method,
      uri,
      body: Buffer.isBuffer(req.body) ? req.body : undefined,
      contentType: header('content-type'),
      ifMatch: header('if-match'),
      ifNoneMatch: header('if-none-match'),
      base,
    });
    reply.code(r.status).headers(r.headers);
    return req.method === 'HEAD' || r.body === undefined ? reply.send() : reply.send(r.body);
  }

  return app;
}
