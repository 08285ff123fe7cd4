// The reference server: Kamailio with bench/kamailio/register.cfg, its users
// in a fresh SQLite `subscriber` table, bound to 127.0.0.1 (UDP and TCP).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startOwned, type OwnedProcess } from './owned-processes.js';
import { waitForSipResponse } from './sip-ping.js';
import { kamailioSubscriberSql, type BenchUser } from './user-provisioning.js';
import { findExecutable } from './required-tools.js';

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
}

export interface KamailioServer {
  readonly process: OwnedProcess;
  readonly pid: number;
  readonly logFile: string;
  /** kamcmd stats.get_statistics for the given groups (e.g. "registrar:", "usrloc:"), as name → value. */
  statistics(...groups: string[]): Record<string, string>;
  stop(): Promise<void>;
}

function tail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
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
  const schema = ['standard-create.sql', 'auth_db-create.sql'].map((f) => readFileSync(join(o.sqlDir, f), 'utf8')).join('\n');
  const sql = schema + '\n' + kamailioSubscriberSql(o.users, o.domain);
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
  const proc = await startOwned('kamailio', o.kamailio, args, { cwd: o.runDir, logFile });
  try {
    await waitForSipResponse({ host: '127.0.0.1', port: o.port, timeoutMs: 15_000, stillRunning: () => proc.alive() });
  } catch (err) {
    await proc.stop(3000);
    throw new Error(`kamailio did not start (${(err as Error).message}); last lines of ${logFile}:\n${tail(logFile)}`);
  }
  const kamcmd = findExecutable('kamcmd');
  return {
    process: proc,
    pid: proc.pid,
    logFile,
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
