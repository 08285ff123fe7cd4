// The reference server: Kamailio with one of bench/kamailio/*.cfg, its users
// in a fresh SQLite `subscriber` table (plus the other tables the
// configuration needs, e.g. xcap), bound to 127.0.0.1 (UDP and TCP).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tailOf } from './node-service-runner.js';
import { startOwned, type OwnedProcess } from './owned-processes.js';
import { waitForSipResponse } from './sip-ping.js';
import { kamailioSubscriberSql, type BenchUser } from './user-provisioning.js';
import { findExecutable, type Tools } from './required-tools.js';

export interface KamailioOptions {
  readonly kamailio: string;
  readonly sqlite3: string;
  /** Folder of the package's schema files (standard-create.sql, auth_db-create.sql). */
  readonly sqlDir: string;
  readonly config: string;
  /** Runtime files go here: kamailio.sqlite, kamailio_ctl, kamailio.log. */
  readonly runDir: string;
  readonly port: number;
  /** Domain of the users (the realm is the From domain). */
  readonly domain: string;
  readonly users: readonly BenchUser[];
  readonly shmMb?: number;
  readonly pkgMb?: number;
  /** Schema files of `sqlDir` to create (default standard-create.sql, auth_db-create.sql). */
  readonly schemas?: readonly string[];
  /** PRAGMAs run on the fresh database before the schema (e.g. "journal_mode=WAL", which the file keeps). */
  readonly sqlitePragmas?: readonly string[];
  /** More pre-processor defines, -A NAME=VALUE (the value as the configuration expects it, quotes included). */
  readonly defines?: Readonly<Record<string, string>>;
}

export interface KamailioServer {
  readonly process: OwnedProcess;
  readonly pid: number;
  readonly logFile: string;
  /** The SQLite database (for seeding and reading tables with sqlite3). */
  readonly dbFile: string;
  /** kamcmd stats.get_statistics for the given groups (e.g. "registrar:", "usrloc:"), as name → value. */
  statistics(...groups: string[]): Record<string, string>;
  stop(): Promise<void>;
}

/** The kamailio, sqlite3 and schema-folder paths of KamailioOptions, from findTools() (which checked them). */
export function kamailioPaths(tools: Tools): Pick<KamailioOptions, 'kamailio' | 'sqlite3' | 'sqlDir'> {
  if (tools.kamailio === undefined || tools.sqlite3 === undefined || tools.kamailioSqlDir === undefined) throw new Error('findTools() was not asked for kamailio');
  return { kamailio: tools.kamailio, sqlite3: tools.sqlite3, sqlDir: tools.kamailioSqlDir };
}

function isIp(domain: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(domain) || domain.startsWith('[');
}

/** Creates the database, starts Kamailio and waits until it answers OPTIONS. */
export async function startKamailio(o: KamailioOptions): Promise<KamailioServer> {
  mkdirSync(o.runDir, { recursive: true });
  const db = join(o.runDir, 'kamailio.sqlite');
  const ctl = join(o.runDir, 'kamailio_ctl');
  const logFile = join(o.runDir, 'kamailio.log');
  rmSync(db, { force: true });
  const schema = (o.schemas ?? ['standard-create.sql', 'auth_db-create.sql']).map((f) => readFileSync(join(o.sqlDir, f), 'utf8')).join('\n');
  const pragmas = (o.sqlitePragmas ?? []).map((p) => `PRAGMA ${p};\n`).join('');
  const sql = pragmas + schema + '\n' + kamailioSubscriberSql(o.users, o.domain);
  const r = spawnSync(o.sqlite3, [db], { input: sql, encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`sqlite3 could not create ${db}: ${r.stderr || r.error?.message}`);

  const args = [
    '-f', o.config,
    '-DD', '-E', // stay in the foreground (PID = main process), log to stderr
    '-m', String(o.shmMb ?? 512),
    '-M', String(o.pkgMb ?? 32),
    '-x', 'tlsf',
    '-A', `DBURL="sqlite://${db}"`,
    '-A', `CTLSOCK="unix:${ctl}"`,
    '-A', `KAM_PORT=${o.port}`,
  ];
  if (!isIp(o.domain) && o.domain !== 'localhost') args.push('-A', `SIP_DOMAIN="${o.domain}"`);
  for (const [name, value] of Object.entries(o.defines ?? {})) args.push('-A', `${name}=${value}`);
  const proc = await startOwned('kamailio', o.kamailio, args, { cwd: o.runDir, logFile });
  try {
    await waitForSipResponse({ host: '127.0.0.1', port: o.port, timeoutMs: 15_000, stillRunning: () => proc.alive() });
  } catch (err) {
    await proc.stop(3000);
    throw new Error(`kamailio did not start (${(err as Error).message}); last lines of ${logFile}:\n${tailOf(logFile)}`);
  }
  const kamcmd = findExecutable('kamcmd');
  return {
    process: proc,
    pid: proc.pid,
    logFile,
    dbFile: db,
    statistics: (...groups) => {
      const out: Record<string, string> = {};
      if (kamcmd === undefined) return out;
      const res = spawnSync(kamcmd, ['-s', `unix:${ctl}`, 'stats.get_statistics', ...groups], { encoding: 'utf8', timeout: 5000 });
      for (const line of (res.stdout ?? '').split('\n')) {
        const m = /^\s*(\S+)\s*=\s*(.*)$/.exec(line);
        if (m !== null) out[m[1] as string] = (m[2] as string).trim();
      }
      return out;
    },
    stop: async () => {
      await proc.stop(5000);
    },
  };
}
