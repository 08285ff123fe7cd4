// The bench users: one generated list (u00000 ... with one password), written
// as SIPp's injection file, as SQL for Kamailio's `subscriber` table, and
// provisioned in our platform's user store (Redis) through @simple/users.
import { writeFileSync } from 'node:fs';
import { computeHa1, UserStore, UserStoreError } from '@simple/users';
import { Redis } from 'ioredis';

export interface BenchUser {
  readonly user: string;
  readonly password: string;
}

/** `n` users u00000, u00001, ... (five digits, more when n > 100000), all with `password`. */
export function generateUsers(n: number, password: string, prefix = 'u'): BenchUser[] {
  // SIPp's [authentication ...] keyword is split on spaces and ']': keep the password plain.
  if (!/^[A-Za-z0-9._~!$&'()*+,=:-]+$/.test(password)) throw new Error('the bench password must not contain spaces, ";", "]" or quotes');
  const width = Math.max(5, String(n - 1).length);
  return Array.from({ length: n }, (_, i) => ({ user: `${prefix}${String(i).padStart(width, '0')}`, password }));
}

/**
 * SIPp injection file, read in order (SEQUENTIAL, wrapping around):
 * field0 = user part, field1 = the [authentication ...] keyword SIPp expands
 * when it answers a 401 (sipp/register-auth.xml).
 */
export function writeSippInjectionFile(path: string, users: readonly BenchUser[]): void {
  const lines = ['SEQUENTIAL', ...users.map((u) => `${u.user};[authentication username=${u.user} password=${u.password}];`)];
  writeFileSync(path, lines.join('\n') + '\n');
}

function sqlQuote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** INSERTs for Kamailio's auth_db `subscriber` table (plain-text passwords, calculate_ha1=1), in one transaction. */
export function kamailioSubscriberSql(users: readonly BenchUser[], domain: string): string {
  const d = sqlQuote(domain);
  const rows = users.map((u) => `INSERT OR REPLACE INTO subscriber(username,domain,password) VALUES(${sqlQuote(u.user)},${d},${sqlQuote(u.password)});`);
  return ['BEGIN;', ...rows, 'COMMIT;', ''].join('\n');
}

export interface ProvisionReport {
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly seconds: number;
}

/**
 * Makes sure the domain and every user exist in our user store with the
 * bench password: adds the missing ones, resets a password that differs,
 * leaves the rest (a second run costs one read per user).
 */
export async function provisionUserStore(redisUrl: string, domain: string, users: readonly BenchUser[], concurrency = 256): Promise<ProvisionReport> {
  const t0 = performance.now();
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  redis.on('error', () => undefined); // reported through the rejected commands
  try {
    await redis.connect();
    const store = new UserStore(redis);
    const { realm } = await store.addDomain(domain);
    let added = 0;
    let updated = 0;
    let unchanged = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < users.length) {
        const u = users[next++] as BenchUser;
        const aor = `${u.user}@${domain}`;
        const existing = await store.getUser(aor);
        if (existing === undefined) {
          try {
            await store.addUser(aor, u.password);
            added++;
            continue;
          } catch (err) {
            // created meanwhile by someone else: fall through to the password check
            if (!(err instanceof UserStoreError && err.code === 'USER_EXISTS')) throw err;
          }
        }
        if (existing !== undefined && existing.ha1.MD5 === computeHa1('MD5', u.user, realm, u.password)) {
          unchanged++;
        } else {
          await store.setPassword(aor, u.password);
          updated++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, users.length) }, worker));
    return { added, updated, unchanged, seconds: (performance.now() - t0) / 1000 };
  } finally {
    redis.disconnect();
  }
}
