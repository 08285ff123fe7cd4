import { xcapKeys } from '@simple/contracts';
import type { RedisClient } from '@simple/platform';

/** What a watcher has been told (RFC 5875 §4.7): document `sel` → ETag, component `sel` → `<document ETag> <content hash>`. */
export interface DiffView {
  readonly docs: ReadonlyMap<string, string>;
  readonly components: ReadonlyMap<string, string>;
}

export const EMPTY_VIEW: DiffView = { docs: new Map(), components: new Map() };

/** Each subscription's view, in a Redis hash beside the subscription (`xcapKeys.diffView`). */
export class DiffViewStore {
  constructor(private readonly redis: RedisClient) {}

  async load(subscriptionId: string): Promise<DiffView> {
    const all = await this.redis.hgetall(xcapKeys.diffView(subscriptionId));
    const docs = new Map<string, string>();
    const components = new Map<string, string>();
    for (const [field, value] of Object.entries(all)) {
      if (field.startsWith('d:')) docs.set(field.slice(2), value);
      else if (field.startsWith('c:')) components.set(field.slice(2), value);
    }
    return { docs, components };
  }

  /** Replaces the view; it lapses with the subscription (`expiresAt` plus `graceMs`) should nobody remove it. */
  async save(subscriptionId: string, view: DiffView, expiresAt: number, graceMs: number): Promise<void> {
    const key = xcapKeys.diffView(subscriptionId);
    const fields: string[] = [];
    for (const [sel, etag] of view.docs) fields.push(`d:${sel}`, etag);
    for (const [sel, state] of view.components) fields.push(`c:${sel}`, state);
    const m = this.redis.multi().del(key);
    if (fields.length > 0) m.hset(key, ...fields).pexpireat(key, expiresAt + graceMs);
    const results = await m.exec();
    // MULTI/EXEC applies all or nothing unless a command itself fails: say so, do not half-save.
    const failed = results === null ? new Error('the view transaction was aborted') : results.find(([err]) => err !== null)?.[0];
    if (failed !== undefined && failed !== null) throw failed;
  }

  async remove(subscriptionId: string): Promise<void> {
    await this.redis.del(xcapKeys.diffView(subscriptionId));
  }
}
