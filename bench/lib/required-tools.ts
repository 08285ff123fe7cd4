// The Debian packages the bench needs and does not install by itself: it says
// how to install them and exits 2 (see bench/README.md).
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';

export const APT_LINE = 'apt-get install -y --no-install-recommends kamailio kamailio-sqlite-modules sip-tester sqlite3';

/** Absolute path of `cmd` on PATH (plus /usr/sbin and /sbin, where Debian puts kamailio), or undefined. */
export function findExecutable(cmd: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':').filter((d) => d !== ''), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const dir of dirs) {
    const p = `${dir}/${cmd}`;
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Where Debian's kamailio keeps its modules: /usr/lib/<multiarch>/kamailio/modules. */
function kamailioModuleDirs(): string[] {
  let arches: string[] = [];
  try {
    arches = readdirSync('/usr/lib');
  } catch {
    // no /usr/lib
  }
  return ['/usr/lib/kamailio/modules', ...arches.map((a) => `/usr/lib/${a}/kamailio/modules`)];
}

export interface Tools {
  readonly sipp: string;
  readonly kamailio?: string;
  readonly sqlite3?: string;
  /** Folder of Kamailio's SQLite schema files (kamailio-sqlite-modules). */
  readonly kamailioSqlDir?: string;
}

/**
 * Finds the tools a run needs (SIPp always; Kamailio, its SQLite module and
 * sqlite3 when Kamailio runs). Returns the missing pieces as a list of names.
 */
export function findTools(needKamailio: boolean): { tools?: Tools; missing: string[] } {
  const missing: string[] = [];
  const sipp = findExecutable('sipp');
  if (sipp === undefined) missing.push('sipp (sip-tester)');
  let kamailio: string | undefined;
  let sqlite3: string | undefined;
  let kamailioSqlDir: string | undefined;
  if (needKamailio) {
    kamailio = findExecutable('kamailio');
    if (kamailio === undefined) missing.push('kamailio');
    sqlite3 = findExecutable('sqlite3');
    if (sqlite3 === undefined) missing.push('sqlite3');
    kamailioSqlDir = process.env.KAM_SQL_DIR ?? '/usr/share/kamailio/db_sqlite';
    const module = kamailioModuleDirs().some((d) => existsSync(`${d}/db_sqlite.so`));
    if (!module || !existsSync(`${kamailioSqlDir}/auth_db-create.sql`)) missing.push('kamailio-sqlite-modules');
  }
  if (missing.length > 0 || sipp === undefined) return { missing };
  return { tools: { sipp, kamailio, sqlite3, kamailioSqlDir }, missing };
}
