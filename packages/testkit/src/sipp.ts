import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolAvailable } from './tool-available.js';

export interface SippRun {
  /** SIPp's exit status: 0 when every call succeeded (SIPp's own rule). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The statistics of SIPp's final CSV row, by column name (e.g. "SuccessfulCall(C)", "Retransmissions(C)"). */
  readonly stats: Readonly<Record<string, string>>;
}

export interface SippOptions {
  readonly scenario: string;
  readonly target: string;
  readonly transport: 'u1' | 't1';
  readonly calls: number;
  readonly rate?: number;
  /** Hard limit on SIPp's run, seconds; it is killed after that. */
  readonly timeoutSec?: number;
  readonly extraArgs?: readonly string[];
  /** Stops SIPp (SIGKILL) early when aborted, e.g. by a failing test's cleanup; the run then resolves as usual. */
  readonly signal?: AbortSignal;
}

/** Whether SIPp (Debian package sip-tester) is installed. */
export function sippAvailable(): boolean {
  return toolAvailable('sipp');
}

/**
 * Runs SIPp as a UAC against `target`, bound to 127.0.0.1, bounded in calls and
 * time, in a private working folder (SIPp writes its files to the current one).
 */
export function runSipp(o: SippOptions): Promise<SippRun> {
  const cwd = mkdtempSync(join(tmpdir(), 'sipp-'));
  const timeout = o.timeoutSec ?? 60;
  const args = [
    o.target, '-sf', o.scenario, '-t', o.transport, '-i', '127.0.0.1',
    '-m', String(o.calls), '-r', String(o.rate ?? 10), '-l', String(o.calls),
    '-timeout', `${timeout}s`, '-timeout_error', '-nostdin', '-trace_stat', '-fd', '1',
    '-stf', join(cwd, 'stats.csv'), '-buff_size', '1048576',
    ...(o.extraArgs ?? []),
  ];
  return new Promise((resolve) => {
    const child = spawn('sipp', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), (timeout + 10) * 1000);
    const abort = (): void => {
      child.kill('SIGKILL');
    };
    if (o.signal?.aborted === true) abort();
    else o.signal?.addEventListener('abort', abort, { once: true });
    child.on('close', (code) => {
      clearTimeout(killer);
      o.signal?.removeEventListener('abort', abort);
      let stats: Record<string, string> = {};
      try {
        const rows = readFileSync(join(cwd, 'stats.csv'), 'utf8').trim().split('\n');
        const head = (rows[0] ?? '').split(';');
        const last = (rows[rows.length - 1] ?? '').split(';');
        stats = Object.fromEntries(head.map((h, i) => [h, last[i] ?? '']));
      } catch {
        // no statistics file: SIPp failed before its first report
      }
      rmSync(cwd, { recursive: true, force: true });
      resolve({ code, stdout: stdout.slice(-4000), stderr: stderr.slice(-4000), stats });
    });
  });
}
