import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { UserStoreError, type UserStore } from '@simple/users';

export interface AdminApiOptions {
  readonly users: UserStore;
  /** Bearer token every request must carry (`Authorization: Bearer <token>`). */
  readonly token: string;
}

interface DomainParams { domain: string }
interface UserParams { aor: string }

/**
 * The admin HTTP API (token-protected): domains and users. Passwords go in,
 * only HA1 values are stored (packages/users), and no response ever carries a
 * secret. Built without listening, so tests use `inject()`.
 *
 *   GET    /v1/domains                      list domains
 *   PUT    /v1/domains/:domain              add a domain  { "realm"?: string }
 *   DELETE /v1/domains/:domain              remove an empty domain
 *   GET    /v1/domains/:domain/users        list a domain's users
 *   PUT    /v1/users/:aor                   add a user    { "password": string }
 *   POST   /v1/users/:aor/password          set a password { "password": string }
 *   GET    /v1/users/:aor                   a user (aor, domain, realm; no credentials)
 *   DELETE /v1/users/:aor                   remove a user
 */
export function buildAdminApi(o: AdminApiOptions): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 });
  const expected = Buffer.from(`Bearer ${o.token}`);

  app.addHook('onRequest', async (req, reply) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return reply.code(401).header('WWW-Authenticate', 'Bearer realm="simple-admin"').send({ error: 'unauthorized' });
    }
  });

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof UserStoreError) return reply.code(err.status).send({ error: err.code, message: err.message });
    const e = err as { statusCode?: unknown; message?: unknown };
    const status = typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
    // Fastify's own 4xx (bad JSON, schema) say what was wrong; anything else says nothing of the inside.
    return reply.code(status).send({ error: status === 500 ? 'internal' : 'bad-request', message: status === 500 ? 'internal error' : String(e.message) });
  });

  const passwordBody = {
    type: 'object',
    required: ['password'],
    additionalProperties: false,
    properties: { password: { type: 'string', minLength: 1, maxLength: 256 } },
  } as const;

  app.get('/v1/domains', async () => ({ domains: await o.users.listDomains() }));

  app.put<{ Params: DomainParams; Body: { realm?: string } | undefined }>(
    '/v1/domains/:domain',
    { schema: { body: { type: ['object', 'null'], additionalProperties: false, properties: { realm: { type: 'string', minLength: 1, maxLength: 253 } } } } },
    async (req, reply) => {
      const info = await o.users.addDomain(req.params.domain, req.body?.realm !== undefined ? { realm: req.body.realm } : {});
      return reply.code(201).send(info);
    },
  );

  app.delete<{ Params: DomainParams }>('/v1/domains/:domain', async (req, reply) => {
    const removed = await o.users.removeDomain(req.params.domain);
    return removed ? reply.code(204).send() : reply.code(404).send({ error: 'DOMAIN_NOT_FOUND' });
  });

  app.get<{ Params: DomainParams }>('/v1/domains/:domain/users', async (req) => ({ users: await o.users.listUsers(req.params.domain) }));

  app.put<{ Params: UserParams; Body: { password: string } }>('/v1/users/:aor', { schema: { body: passwordBody } }, async (req, reply) => {
    const u = await o.users.addUser(req.params.aor, req.body.password);
    return reply.code(201).send({ aor: u.aor, domain: u.domain, realm: u.realm });
  });

  app.post<{ Params: UserParams; Body: { password: string } }>('/v1/users/:aor/password', { schema: { body: passwordBody } }, async (req) => {
    const u = await o.users.setPassword(req.params.aor, req.body.password);
    return { aor: u.aor, domain: u.domain, realm: u.realm };
  });

  app.get<{ Params: UserParams }>('/v1/users/:aor', async (req, reply) => {
    const u = await o.users.getUser(req.params.aor);
    return u === undefined ? reply.code(404).send({ error: 'USER_NOT_FOUND' }) : { aor: u.aor, domain: u.domain, realm: u.realm };
  });

  app.delete<{ Params: UserParams }>('/v1/users/:aor', async (req, reply) => {
    const removed = await o.users.removeUser(req.params.aor);
    return removed ? reply.code(204).send() : reply.code(404).send({ error: 'USER_NOT_FOUND' });
  });

  return app;
}
