// One bounded SIPp client run (UAC) against a server, and what it measured:
// the stats CSV (-trace_stat: cumulative counters, one row a second and a
// last one at the end) and the response times (-trace_rtt: one row per call).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { startOwned, type ExitStatus, type OwnedProcess } from './owned-processes.js';

export interface SippRunOptions {
  /** Label; the files are `<resultsDir>/<name>.{csv,out,err}`, `<name>_rtt.csv`, `<name>_messages.log`. */
  readonly name: string;
  readonly sipp: string;
  readonly scenario: string;
  readonly injectionFile: string;
  /** host:port of the server under test. */
  readonly target: string;
  readonly localIp: string;
  readonly localPort: number;
  readonly transport: 'udp' | 'tcp';
  /** New calls per second (-r). */
  readonly rate: number;
  /** Calls in all (-m). */
  readonly calls: number;
  /** Calls in progress at most (-l). */
  readonly limit: number;
  /** SIPp stops after this (-timeout; calls still in progress count neither ok nor failed); the harness kills it 5 s later. */
  readonly maxSeconds: number;
  /** -set NAME VALUE for each entry. */
  readonly vars: Readonly<Record<string, string>>;
  readonly resultsDir: string;
  /** Also write every message (-trace_msg): for the one-call probe, not for loads. */
  readonly traceMessages?: boolean;
  readonly extraArgs?: readonly string[];
}

export interface RttStats {
  readonly count: number;
  /** Milliseconds (SIPp 3.6 records whole ms: 0 means under 1 ms). */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface SippResult {
  readonly exit: ExitStatus;
  /** The harness had to kill SIPp (it outlived maxSeconds + 5 s). */
  readonly killed: boolean;
  readonly wallS: number;
  /** Calls asked for (-m). */
  readonly plannedCalls: number;
  /** SIPp reached its time limit (-timeout) before the planned calls were all done. */
  readonly timeLimited: boolean;
  readonly created: number;
  readonly ok: number;
  readonly failed: number;
  readonly retransmissions: number;
  /** Calls failed because a request went unanswered after every retransmission. */
  readonly timeouts: number;
  readonly unexpected: number;
  /** From SIPp's StartTime to the last stats row (the end of the run). */
  readonly elapsedS: number;
  /** Successful calls per second over elapsedS. */
  readonly okPerS: number;
  /**
   * Successful calls per second while SIPp was still creating calls (the
   * one-second rows of the load phase): the rate without the drain at the end.
   */
  readonly okPerSDuringLoad: number | undefined;
  readonly rtt: RttStats | undefined;
  readonly files: { readonly stats: string; readonly screen: string; readonly errors: string; readonly rtt?: string; readonly messages?: string };
}

export interface SippRun {
  readonly process: OwnedProcess;
  readonly result: Promise<SippResult>;
}

/** SIPp writes time stamps as "date<TAB>time<TAB>epoch.micro": the epoch seconds. */
function epoch(field: string | undefined): number {
  const last = (field ?? '').split('\t').pop() ?? '';
  const n = Number(last);
  return Number.isFinite(n) ? n : NaN;
}

type StatRow = Readonly<Record<string, string>>;

function readStats(path: string): StatRow[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(';');
  return lines.slice(1).map((line) => {
    const cells = line.split(';');
    const row: Record<string, string> = {};
    header.forEach((h, i) => {
      if (h !== '') row[h] = cells[i] ?? '';
    });
    return row;
  });
}

const num = (row: StatRow | undefined, key: string): number => Number(row?.[key] ?? 0) || 0;

/**
 * Rate while calls were being created: the rows in which OutgoingCall(P) > 0
 * (periodic count of calls created in that second), successes at the last such
 * row minus at the row before the first, over the time between them.
 */
function rateDuringLoad(rows: readonly StatRow[]): number | undefined {
  const loadRows = rows.map((r, i) => ({ r, i })).filter(({ r }) => num(r, 'OutgoingCall(P)') > 0);
  const firstLoad = loadRows[0];
  const lastLoad = loadRows[loadRows.length - 1];
  if (firstLoad === undefined || lastLoad === undefined || loadRows.length < 3) return undefined;
  const before = rows[Math.max(0, firstLoad.i - 1)];
  const dt = epoch(lastLoad.r.CurrentTime) - epoch(before?.CurrentTime);
  if (!(dt > 0.5)) return undefined;
  return (num(lastLoad.r, 'SuccessfulCall(C)') - num(before, 'SuccessfulCall(C)')) / dt;
}

function readRtts(path: string): RttStats | undefined {
  if (!existsSync(path)) return undefined;
  const values: number[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n').slice(1)) {
    const v = Number(line.split(';')[1]);
    if (line !== '' && Number.isFinite(v)) values.push(v);
  }
  if (values.length === 0) return undefined;
  values.sort((a, b) => a - b);
  const at = (q: number): number => values[Math.min(values.length - 1, Math.max(0, Math.ceil(q * values.length) - 1))] as number;
  return { count: values.length, p50: at(0.5), p99: at(0.99), max: values[values.length - 1] as number };
}

/** Starts SIPp; `result` resolves when it has exited and its files are read. */
export async function startSipp(o: SippRunOptions): Promise<SippRun> {
  mkdirSync(o.resultsDir, { recursive: true });
  // SIPp writes <scenario>_<pid>_*.{csv,log} into its working directory: a private one.
  const work = join(o.resultsDir, `.${o.name}.work`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const f of readdirSync(o.resultsDir)) {
    if (f.startsWith(`${o.name}.`) || f.startsWith(`${o.name}_`)) rmSync(join(o.resultsDir, f), { force: true });
  }
  const stats = join(o.resultsDir, `${o.name}.csv`);
  const screen = join(o.resultsDir, `${o.name}.out`);
  const errors = join(o.resultsDir, `${o.name}.err`);
  const args = [
    o.target,
    '-sf', o.scenario,
    '-inf', o.injectionFile,
    '-i', o.localIp,
    '-p', String(o.localPort),
    '-t', o.transport === 'udp' ? 'u1' : 't1',
    '-r', String(o.rate),
    '-m', String(o.calls),
    '-l', String(o.limit),
    '-nostdin',
    '-timeout', `${Math.max(1, Math.ceil(o.maxSeconds))}s`,
    '-trace_stat', '-stf', stats, '-fd', '1',
    '-trace_err', '-error_file', errors,
    '-trace_rtt', '-rtt_freq', '100',
    // Without a large socket buffer the kernel drops UDP above a few thousand
    // messages/s (RcvbufErrors), which looks like server failures.
    '-buff_size', '4194304',
    '-max_recv_loops', '5000',
    '-max_sched_loops', '5000',
  ];
  if (o.traceMessages === true) args.push('-trace_msg');
  for (const [k, v] of Object.entries(o.vars)) args.push('-set', k, v);
  args.push(...(o.extraArgs ?? []));

  const t0 = performance.now();
  const proc = await startOwned(`sipp ${o.name}`, o.sipp, args, { cwd: work, logFile: screen });
  let killed = false;
  const guard = setTimeout(() => {
    killed = true;
    void proc.stop(2000);
  }, (o.maxSeconds + 5) * 1000);

  const result = proc.exited.then((exit): SippResult => {
    clearTimeout(guard);
    const wallS = (performance.now() - t0) / 1000;
    // Move SIPp's own trace files next to the others, under the run's name.
    const scen = basename(o.scenario).replace(/\.xml$/, '');
    let rttFile: string | undefined;
    let messagesFile: string | undefined;
    for (const f of readdirSync(work)) {
      if (!f.startsWith(`${scen}_`)) continue;
      const suffix = f.slice(f.indexOf('_', scen.length + 1) + 1); // after <scenario>_<pid>_
      const dest = join(o.resultsDir, `${o.name}_${suffix}`);
      renameSync(join(work, f), dest);
      if (suffix === 'rtt.csv') rttFile = dest;
      if (suffix === 'messages.log') messagesFile = dest;
    }
    rmSync(work, { recursive: true, force: true });
    const rows = readStats(stats);
    const last = rows[rows.length - 1];
    const elapsedS = epoch(last?.CurrentTime) - epoch(last?.StartTime);
    const ok = num(last, 'SuccessfulCall(C)');
    const created = num(last, 'TotalCallCreated');
    return {
      exit,
      killed,
      wallS,
      plannedCalls: o.calls,
      timeLimited: created < o.calls || ok + num(last, 'FailedCall(C)') < o.calls,
      created,
      ok,
      failed: num(last, 'FailedCall(C)'),
      retransmissions: num(last, 'Retransmissions(C)'),
      timeouts: num(last, 'FailedMaxUDPRetrans(C)'),
      unexpected: num(last, 'FailedUnexpectedMessage(C)'),
      elapsedS: Number.isFinite(elapsedS) ? elapsedS : 0,
      okPerS: elapsedS > 0 ? ok / elapsedS : 0,
      okPerSDuringLoad: rateDuringLoad(rows),
      rtt: rttFile === undefined ? undefined : readRtts(rttFile),
      files: { stats, screen, errors, rtt: rttFile, messages: messagesFile },
    };
  });
  return { process: proc, result };
}
