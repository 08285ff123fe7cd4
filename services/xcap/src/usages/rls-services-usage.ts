import { RLS_SERVICES_NS } from '@simple/xcap-uri';
import { xcapKeys } from '@simple/contracts';
import type { RedisClient } from '@simple/platform';
import { serializeXml, type Document, type Element } from '@simple/xml';
import type { DocumentRef } from '../document-store.js';
import { ConstraintFailureError, UniquenessFailureError, type XcapError } from '../errors/xcap-error.js';
import type { ApplicationUsage, ConstraintContext } from './application-usage.js';
import { checkResourceListConstraints, RESOURCE_LISTS_NS } from './resource-lists-usage.js';
import { alternative, descendants } from './unique-values.js';

export { RLS_SERVICES_NS };

/** Whether an address of record is a provisioned user (RFC 4826 §4.4.5: a service URI must not be an existing resource). */
export type UserExists = (aor: string) => Promise<boolean>;

/**
 * RFC 4826 §4.4: the rls-services application usage. Service URIs are unique on the
 * server: an index per domain of the URI (`xcapKeys.rlsServiceUris`) names the
 * document that owns each URI.
 */
export class RlsServicesUsage implements ApplicationUsage {
  readonly auid = 'rls-services';
  readonly mimeType = 'application/rls-services+xml';
  readonly defaultNamespace = RLS_SERVICES_NS;
  readonly schemas = [
    { namespace: RESOURCE_LISTS_NS, file: 'rfc4826-resource-lists.xsd' },
    { namespace: RLS_SERVICES_NS, file: 'rfc4826-rls-services.xsd' },
  ] as const;
  readonly userWritable = true;
  readonly globalPublic = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly userExists: UserExists,
  ) {}

  async checkConstraints(doc: Document, ctx: ConstraintContext): Promise<XcapError | undefined> {
    const root = doc.documentElement as Element;
    const services = descendants(root, RLS_SERVICES_NS, 'service');
    const owner = ownerOf(ctx);
    const seen = new Set<string>();
    for (const s of services) {
      const uri = s.getAttribute('uri') ?? '';
      // §4.4.5: "The URI in the "uri" attribute of the <service> element MUST be unique amongst all other
      // URIs in "uri" elements in any <service> element in any document on a particular server ... [and]
      // MUST NOT correspond to an existing resource within the domain of the URI."
      const taken = seen.has(uri) || (await this.isTaken(uri, owner));
      if (taken) return new UniquenessFailureError([{ field: 'rls-services/service/@uri', altValues: [await this.freeAlternative(uri, owner, seen)] }]);
      seen.add(uri);
    }
    for (const rl of descendants(root, RLS_SERVICES_NS, 'resource-list')) {
      const err = checkResourceListUri((rl.textContent ?? '').replace(/\s+/g, ''), ctx.ref.xui);
      if (err !== undefined) return err;
    }
    // §4.4.5: "The constraints defined for these elements in Section 3.4.7 MUST be enforced."
    for (const list of descendants(root, RLS_SERVICES_NS, 'list')) {
      const err = checkResourceListConstraints(list);
      if (err !== undefined) return err;
    }
    return undefined;
  }

  /**
   * Keeps the service URI index, and for a user's `index` the services of the global document,
   * in step with the document (§4.4.8 interdependencies). The URIs the document held when the
   * indexes were last written are kept beside it, so that this is the same whatever version
   * came before; a write that is no longer the stored version leaves the work to the one that is.
   */
  async afterWrite(doc: Document | undefined, ctx: ConstraintContext & { readonly etag: string | undefined }): Promise<void> {
    if ((await ctx.store.etag(ctx.ref)) !== ctx.etag) return;
    const owner = ownerOf(ctx);
    const services = doc === undefined ? [] : descendants(doc.documentElement as Element, RLS_SERVICES_NS, 'service');
    const now = new Set(services.map((s) => s.getAttribute('uri') ?? ''));
    const inGlobal = ctx.ref.xui !== undefined && ctx.ref.path === 'index';
    const ownedKey = xcapKeys.rlsOwnedServices(ctx.ref.xui, ctx.ref.path);
    for (const uri of await this.redis.smembers(ownedKey)) {
      if (now.has(uri)) continue;
      const key = xcapKeys.rlsServiceUris(domainOf(uri));
      if ((await this.redis.hget(key, uri)) !== owner) continue;
      await this.redis.hdel(key, uri);
      if (inGlobal) await this.redis.hdel(xcapKeys.rlsGlobalServices(), uri);
    }
    for (const uri of now) await this.redis.hset(xcapKeys.rlsServiceUris(domainOf(uri)), uri, owner);
    // §4.4.8: "each <service> element in a user document will also be present as a <service> element in the global document".
    if (inGlobal && services.length > 0) await this.redis.hset(xcapKeys.rlsGlobalServices(), ...services.flatMap((s) => [s.getAttribute('uri') ?? '', serializeXml(s, false)]));
    const m = this.redis.multi().del(ownedKey);
    if (now.size > 0) m.sadd(ownedKey, ...now);
    await m.exec();
    if (inGlobal) ctx.store.announceGenerated({ auid: this.auid, xui: undefined, path: 'index' });
  }

  /**
   * §4.4.8: `rls-services/global/index`, "the union of all of the index documents for all users
   * within the same XCAP root", built when it is read ("most systems will dynamically construct
   * the responses"). §4.4.9: its "access MUST be restricted to trusted elements": the HTTP API
   * does not serve it (the usage is not public in the global tree); the platform's RLS reads it
   * through the internal gRPC API.
   */
  async generated(ref: DocumentRef): Promise<string | undefined> {
    if (ref.xui !== undefined || ref.path !== 'index') return undefined;
    const all = await this.redis.hgetall(xcapKeys.rlsGlobalServices());
    const services = Object.keys(all)
      .sort()
      .map((uri) => `\n ${all[uri] ?? ''}`)
      .join('');
    return `<?xml version="1.0" encoding="UTF-8"?>\n<rls-services xmlns="${RLS_SERVICES_NS}" xmlns:rl="${RESOURCE_LISTS_NS}">${services}\n</rls-services>\n`;
  }

  private async isTaken(uri: string, owner: string): Promise<boolean> {
    const holder = await this.redis.hget(xcapKeys.rlsServiceUris(domainOf(uri)), uri);
    if (holder !== null && holder !== owner) return true;
    return this.userExists(uri);
  }

  private async freeAlternative(uri: string, owner: string, seen: Set<string>): Promise<string> {
    const tried = new Set(seen);
    tried.add(uri);
    for (;;) {
      const alt = alternative(uri, tried);
      if (!(await this.isTaken(alt, owner))) return alt;
      tried.add(alt);
    }
  }
}

/** §4.4.5: a <resource-list> is an absolute HTTP URI whose AUID segment is resource-lists, in the same user's tree. */
export function checkResourceListUri(uri: string, xui: string | undefined): XcapError | undefined {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return new ConstraintFailureError(`resource-list "${uri}" is not an absolute URI`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return new ConstraintFailureError(`resource-list "${uri}" is not an HTTP URI`);
  const segments = u.pathname.split('/').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  const i = segments.findIndex((s, k) => s === 'resource-lists' && (segments[k + 1] === 'users' || segments[k + 1] === 'global'));
  if (i < 0) return new ConstraintFailureError('the AUID of a resource-list URI must be resource-lists');
  if (xui !== undefined && (segments[i + 1] !== 'users' || segments[i + 2] !== xui)) {
    return new ConstraintFailureError('a resource-list URI in a user tree must point into the same user tree');
  }
  return undefined;
}

function ownerOf(ctx: ConstraintContext): string {
  return `${ctx.ref.xui ?? 'global'}/${ctx.ref.path}`;
}

function domainOf(uri: string): string {
  const at = uri.lastIndexOf('@');
  return (at < 0 ? uri.replace(/^[a-z]+:/i, '') : uri.slice(at + 1)).split(/[;:>?]/)[0] ?? '';
}
