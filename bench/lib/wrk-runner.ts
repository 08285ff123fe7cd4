// One bounded wrk run (HTTP/1.1 keep-alive load, https://github.com/wg/wrk,
// Debian package `wrk`) with bench/wrk/requests-from-file.lua, and its
// result: the JSON line the script's done() prints.
import { readFileSync } from 'node:fs';
import { startOwned, type OwnedProcess } from './owned-processes.js';

export interface WrkOptions {
  readonly wrk: string;
  /** http://127.0.0.1:PORT (the paths come from the request file). */
  readonly url: string;
  readonly script: string;
  readonly requestFile: string;
  readonly connections: number;
  readonly threads: number;
  readonly durationS: number;
  /** A request unanswered this long counts as a timeout (wrk --timeout). */
  readonly timeoutS: number;
  /** Count every response's status (WRK_COUNT_STATUS=1; costs wrk CPU). */
  readonly countStatuses: boolean;
  /** wrk's output (its summary and the JSON line). */
  readonly logFile: string;
}

export interface WrkResult {
  readonly requests: number;
  readonly durationS: number;
  readonly bytes: number;
  readonly errors: { readonly connect: number; readonly read: number; readonly write: number; readonly status: number; readonly timeout: number };
  readonly latencyUs: { readonly min: number; readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number; readonly mean: number };
  /** Responses by status (only with countStatuses). */
  readonly statuses: Readonly<Record<string, number>>;
  /**
   * Successful responses, what the rates use: the 2xx when the statuses were
   * counted, else the responses below 400 (wrk counts the others as errors.status).
   */
  readonly ok: number;
  readonly okPerS: number;
  /** Whether wrk had to be killed after its time limit. */
  readonly killed: boolean;
}

export interface WrkRun {
  readonly process: OwnedProcess;
  readonly result: Promise<WrkResult>;
}

/** Seconds wrk may take past its duration (connections closing, the report) before it is killed. */
const GRACE_S = 5;

export async function startWrk(o: WrkOptions): Promise<WrkRun> {
  const args = [
    '-t', String(o.threads),
    '-c', String(o.connections),
    '-d', `${o.durationS}s`,
    '--timeout', `${o.timeoutS}s`,
    '-s', o.script,
    o.url,
    '--',
    o.requestFile,
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, WRK_COUNT_STATUS: o.countStatuses ? '1' : '0' };
  const proc = await startOwned('wrk', o.wrk, args, { env, logFile: o.logFile });
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    void proc.stop(1000);
  }, (o.durationS + GRACE_S) * 1000);
  const result = proc.exited.then((st) => {
    clearTimeout(timer);
    const out = readFileSync(o.logFile, 'utf8');
    const line = out.split('\n').find((l) => l.startsWith('WRK_JSON '));
    if (line === undefined) {
      throw new Error(`wrk ${killed ? 'was killed after its time limit' : `exited with ${st.code ?? st.signal}`} without its result; ${o.logFile}:\n${out.trimEnd().split('\n').slice(-10).join('\n')}`);
    }
    const j = JSON.parse(line.slice('WRK_JSON '.length)) as Omit<WrkResult, 'ok' | 'okPerS' | 'killed' | 'durationS'> & { duration_us: number; latency_us: WrkResult['latencyUs'] };
    const durationS = j.duration_us / 1e6;
    const counted = Object.entries(j.statuses);
    const ok = counted.length > 0 ? counted.filter(([code]) => code.startsWith('2')).reduce((n, [, c]) => n + c, 0) : j.requests - j.errors.status;
    return {
      requests: j.requests,
      durationS,
      bytes: j.bytes,
      errors: j.errors,
      latencyUs: j.latency_us,
      statuses: j.statuses,
      ok,
      okPerS: durationS > 0 ? ok / durationS : 0,
      killed,
    };
  });
  return { process: proc, result };
}
