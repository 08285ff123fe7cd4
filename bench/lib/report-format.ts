// How one server's run is printed, and the side-by-side table.
import type { CpuReport } from './process-cpu.js';
import type { SippResult } from './sipp-runner.js';

export interface ServerRun {
  /** "kamailio" or "platform". */
  readonly server: string;
  readonly description: string;
  readonly target: string;
  readonly sipp: SippResult;
  readonly cpu: CpuReport;
  /** CPU groups that belong to the server side (server, nats-server, redis-server). */
  readonly serverGroups: readonly string[];
  readonly notes: readonly string[];
  /** What one cycle's RTT spans, for the printout (default: the REGISTER cycle). */
  readonly rttLabel?: string;
}

/** Above this (% of one core) the rest of the machine is said to have disturbed the run. */
const BUSY_PCT = 25;

const f1 = (n: number): string => n.toFixed(1);
const pct = (n: number | undefined): string => (n === undefined ? 'n/a' : `${Math.round(n)}%`);

/** CPU µs that the server side spent per successful cycle. */
export function cpuPerCycleUs(run: ServerRun, groups: readonly string[] = run.serverGroups): number | undefined {
  if (run.sipp.ok === 0) return undefined;
  const pctSum = groups.reduce((s, g) => s + (run.cpu.pct[g] ?? 0), 0);
  const cpuS = (pctSum / 100) * run.cpu.windowS;
  // the CPU window and SIPp's elapsed time differ by the poll interval at most:
  // scale the cycles to the CPU window
  const cycles = run.sipp.okPerS * run.cpu.windowS;
  return cycles > 0 ? (cpuS / cycles) * 1e6 : undefined;
}

export function formatRun(run: ServerRun): string {
  const s = run.sipp;
  const lines: string[] = [];
  lines.push(`${run.server}: ${run.description} (${run.target})`);
  const exit = s.killed ? 'killed after the time limit' : s.exit.error !== undefined ? s.exit.error.message : `rc=${s.exit.code ?? s.exit.signal}`;
  const limited = s.timeLimited ? `, stopped at the time limit (${s.created} of ${s.plannedCalls} planned cycles started)` : '';
  lines.push(`   sipp ${exit}, wall ${f1(s.wallS)} s${limited}`);
  const during = s.okPerSDuringLoad === undefined ? '' : ` (during load ${f1(s.okPerSDuringLoad)})`;
  lines.push(
    `   created=${s.created} ok=${s.ok} failed=${s.failed} retrans=${s.retransmissions} timeouts=${s.timeouts} unexpected=${s.unexpected}` +
      ` elapsed_s=${s.elapsedS.toFixed(2)} ok_per_s=${f1(s.okPerS)}${during}`,
  );
  if (s.rtt !== undefined) lines.push(`   cycle RTT (${run.rttLabel ?? 'first REGISTER to 200'}, whole ms): p50=${s.rtt.p50} p99=${s.rtt.p99} max=${s.rtt.max} ms (${s.rtt.count} cycles)`);
  const groups = Object.keys(run.cpu.pct)
    .filter((g) => g !== 'harness')
    .map((g) => `${g}=${pct(run.cpu.pct[g])}`)
    .join(' ');
  lines.push(
    `   CPU (% of one core over ${f1(run.cpu.windowS)} s): ${groups} | harness=${pct(run.cpu.pct.harness)} rest of machine≈${pct(run.cpu.restOfMachinePct)} (${run.cpu.cores} cores)`,
  );
  const perCycle = cpuPerCycleUs(run);
  if (perCycle !== undefined) lines.push(`   server-side CPU per successful cycle: ${f1(perCycle)} µs (${run.serverGroups.join(' + ')})`);
  if (run.cpu.restOfMachinePct > BUSY_PCT) {
    lines.push(
      `   warning: other processes used ${pct(run.cpu.restOfMachinePct)} of a core meanwhile: the rates are lower and noisier than on an idle machine`,
    );
  }
  for (const n of run.notes) lines.push(`   ${n}`);
  const errs = s.failed > 0 ? `, ${s.files.errors}` : '';
  lines.push(`   files: ${s.files.stats}, ${s.files.screen}${s.files.rtt === undefined ? '' : `, ${s.files.rtt}`}${errs}`);
  return lines.join('\n');
}

/** Side-by-side table of the two runs. */
export function formatComparison(kam: ServerRun, ours: ServerRun): string {
  const rows: [string, string, string][] = [];
  const add = (label: string, a: string, b: string): void => {
    rows.push([label, a, b]);
  };
  add('', 'kamailio', 'platform');
  add('ok cycles/s', f1(kam.sipp.okPerS), f1(ours.sipp.okPerS));
  add('ok cycles/s during load', kam.sipp.okPerSDuringLoad === undefined ? 'n/a' : f1(kam.sipp.okPerSDuringLoad), ours.sipp.okPerSDuringLoad === undefined ? 'n/a' : f1(ours.sipp.okPerSDuringLoad));
  add('ok / failed', `${kam.sipp.ok} / ${kam.sipp.failed}`, `${ours.sipp.ok} / ${ours.sipp.failed}`);
  add('retransmissions', String(kam.sipp.retransmissions), String(ours.sipp.retransmissions));
  add('RTT p50 / p99 ms', kam.sipp.rtt ? `${kam.sipp.rtt.p50} / ${kam.sipp.rtt.p99}` : 'n/a', ours.sipp.rtt ? `${ours.sipp.rtt.p50} / ${ours.sipp.rtt.p99}` : 'n/a');
  add('CPU server process(es)', pct(kam.cpu.pct.server), pct(ours.cpu.pct.server));
  add('CPU nats-server', '-', pct(ours.cpu.pct['nats-server']));
  add('CPU redis-server', '-', pct(ours.cpu.pct['redis-server']));
  add('CPU sipp', pct(kam.cpu.pct.sipp), pct(ours.cpu.pct.sipp));
  const k = cpuPerCycleUs(kam);
  const o = cpuPerCycleUs(ours);
  add('server-side CPU µs/cycle', k === undefined ? 'n/a' : f1(k), o === undefined ? 'n/a' : f1(o));
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const w2 = Math.max(...rows.map((r) => r[2].length));
  return rows.map(([a, b, c]) => `   ${a.padEnd(w0)}  ${b.padStart(w1)}  ${c.padStart(w2)}`).join('\n');
}

/** One server's run as a JSON object for summary.jsonl; `perCycleKey` names the CPU-per-cycle field. */
export function runSummary(r: ServerRun, perCycleKey: string): Record<string, unknown> {
  const perCycle = cpuPerCycleUs(r);
  return {
    ok: r.sipp.ok,
    failed: r.sipp.failed,
    retrans: r.sipp.retransmissions,
    ok_per_s: Number(r.sipp.okPerS.toFixed(1)),
    ok_per_s_during_load: r.sipp.okPerSDuringLoad === undefined ? null : Number(r.sipp.okPerSDuringLoad.toFixed(1)),
    rtt_ms: r.sipp.rtt ?? null,
    cpu_pct: roundedPct(r.cpu.pct),
    rest_of_machine_pct: Math.round(r.cpu.restOfMachinePct),
    [perCycleKey]: perCycle === undefined ? null : Number(perCycle.toFixed(1)),
  };
}

/** CPU percentages rounded to whole numbers, for the JSON summaries. */
export function roundedPct(pct: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(pct).map(([k, v]) => [k, Math.round(v)]));
}
