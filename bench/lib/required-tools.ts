// The Debian packages the bench needs and does not install by itself: it says
// how to install them and exits 2 (see bench/README.md).
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';

export const APT_LINE = 'apt-get install -y --no-install-recommends kamailio kamailio-sqlite-modules sip-tester sqlite3';
/** What bench:xcap needs (wrk drives the HTTP load; xcap_server and xhttp are in kamailio-xml-modules). */
export const APT_LINE_XCAP = 'apt-get install -y --no-install-recommends kamailio kamailio-sqlite-modules kamailio-xml-modules wrk sqlite3';

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
  readonly sipp?: string;
  readonly wrk?: string;
  readonly kamailio?: string;
  readonly sqlite3?: string;
  /** Folder of Kamailio's SQLite schema files (kamailio-sqlite-modules). */
  readonly kamailioSqlDir?: string;
}

export interface ToolNeeds {
  readonly sipp?: boolean;
  readonly wrk?: boolean;
  /** Kamailio, its SQLite module and sqlite3. */
  readonly kamailio?: boolean;
  /** More Kamailio modules the configuration loads (e.g. "xcap_server"); with `kamailio` only. */
  readonly kamailioModules?: readonly string[];
}

/**
 * Finds the tools a run needs. Returns the missing pieces as a list of names
 * (Debian packages in parentheses).
 */
export function findTools(needs: ToolNeeds): { tools?: Tools; missing: string[] } {
  const missing: string[] = [];
  const sipp = needs.sipp === true ? findExecutable('sipp') : undefined;
  if (needs.sipp === true && sipp === undefined) missing.push('sipp (sip-tester)');
  const wrk = needs.wrk === true ? findExecutable('wrk') : undefined;
  if (needs.wrk === true && wrk === undefined) missing.push('wrk');
  let kamailio: string | undefined;
  let sqlite3: string | undefined;
  let kamailioSqlDir: string | undefined;
  if (needs.kamailio === true) {
    kamailio = findExecutable('kamailio');
    if (kamailio === undefined) missing.push('kamailio');
    sqlite3 = findExecutable('sqlite3');
    if (sqlite3 === undefined) missing.push('sqlite3');
    kamailioSqlDir = process.env.KAM_SQL_DIR ?? '/usr/share/kamailio/db_sqlite';
    const hasModule = (m: string): boolean => kamailioModuleDirs().some((d) => existsSync(`${d}/${m}.so`));
    if (!hasModule('db_sqlite') || !existsSync(`${kamailioSqlDir}/auth_db-create.sql`)) missing.push('kamailio-sqlite-modules');
    const absent = (needs.kamailioModules ?? []).filter((m) => !hasModule(m));
    if (absent.length > 0) missing.push(`kamailio modules ${absent.join(', ')} (kamailio-xml-modules)`);
  }
  if (missing.length > 0) return { missing };
  return { tools: { sipp, wrk, kamailio, sqlite3, kamailioSqlDir }, missing };
}
