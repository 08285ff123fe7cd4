// CPU time of processes, from the scheduler's own counters: the first field of
// /proc/<pid>/task/<tid>/schedstat is the nanoseconds that thread ran. Summed
// over every thread of every process of a group, read before and after a load,
// it gives exact on-CPU time even for bursty, multi-threaded processes (Node's
// libuv pool, nats-server's goroutine threads), which `top` and /proc/stat
// sampling under-count.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function numericEntries(dir: string): number[] {
  try {
    return readdirSync(dir)
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return [];
  }
}

/** Parent PID and state of a process, from /proc/<pid>/stat (the command may hold spaces and parentheses). */
function statOf(pid: number): { ppid: number; state: string } | undefined {
  const text = readText(`/proc/${pid}/stat`);
  if (text === undefined) return undefined;
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const ppid = Number(fields[1]);
  return state === undefined || !Number.isFinite(ppid) ? undefined : { ppid, state };
}

/** Whether the process exists and has not exited (a zombie has no threads to read). */
export function isRunning(pid: number): boolean {
  const s = statOf(pid);
  return s !== undefined && s.state !== 'Z' && s.state !== 'X';
}

/** The process and all its descendants. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of numericEntries('/proc')) {
    const s = statOf(pid);
    if (s === undefined) continue;
    const list = children.get(s.ppid);
    if (list === undefined) children.set(s.ppid, [pid]);
    else list.push(pid);
  }
  const out: number[] = [];
  const todo = [root];
  while (todo.length > 0) {
    const pid = todo.pop() as number;
    if (!isRunning(pid) && pid !== root) continue;
    out.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** On-CPU nanoseconds of every thread of every given process (gone ones count 0). */
export function cpuNs(pids: Iterable<number>): number {
  let total = 0;
  for (const pid of pids) {
    for (const tid of numericEntries(`/proc/${pid}/task`)) {
      const text = readText(`/proc/${pid}/task/${tid}/schedstat`);
      const ns = text === undefined ? NaN : Number(text.split(' ')[0]);
      if (Number.isFinite(ns)) total += ns;
    }
  }
  return total;
}

/** PIDs whose command name (/proc/<pid>/comm) is exactly `comm`. */
export function pidsByName(comm: string): number[] {
  return numericEntries('/proc').filter((pid) => readText(`/proc/${pid}/comm`)?.trim() === comm);
}

/** Socket inodes listening on TCP `port` (any local address, IPv4 or IPv6). */
function listeningInodes(port: number): Set<number> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (readText(file) ?? '').split('\n').slice(1);
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      // sl local_address rem_address st ... inode (field 9); st 0A = LISTEN
      if (f.length > 9 && f[1]?.endsWith(`:${hexPort}`) && f[3] === '0A') inodes.add(Number(f[9]));
    }
  }
  return inodes;
}

/**
 * The PID of the process listening on TCP `port`, found through the socket's
 * inode in /proc/<pid>/fd; when something listens but its owner cannot be
 * read, the only process named `fallbackName`. Undefined if nothing listens.
 */
export function pidListeningOnTcp(port: number, fallbackName?: string): number | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined; // nothing listens there
  {
    for (const pid of numericEntries('/proc')) {
      for (const fd of numericEntries(`/proc/${pid}/fd`)) {
        let link: string;
        try {
          link = readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          continue;
        }
        const m = /^socket:\[(\d+)\]$/.exec(link);
        if (m !== null && inodes.has(Number(m[1]))) return pid;
      }
    }
  }
  if (fallbackName === undefined) return undefined;
  const byName = pidsByName(fallbackName);
  return byName.length === 1 ? byName[0] : undefined;
}

/** Busy nanoseconds of the whole machine (all cores) from /proc/stat: user+nice+system+irq+softirq+steal. */
export function machineBusyNs(): number {
  const line = (readText('/proc/stat') ?? '').split('\n').find((l) => l.startsWith('cpu '));
  if (line === undefined) return 0;
  const j = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest is inside user)
  const busy = (j[0] ?? 0) + (j[1] ?? 0) + (j[2] ?? 0) + (j[5] ?? 0) + (j[6] ?? 0) + (j[7] ?? 0);
  return busy * (1e9 / 100); // USER_HZ is 100 on Linux
}

/** One group of processes measured together (e.g. "server" = Kamailio's whole tree). */
export interface CpuGroup {
  readonly name: string;
  /** The PIDs now; called at the start and at every poll, and the union is counted. */
  readonly pids: () => readonly number[];
  /**
   * The window ends at the last poll where this group's first PID still ran
   * (for SIPp, whose counters vanish when it exits).
   */
  readonly bounding?: boolean;
}

export interface CpuReport {
  /** Length of the measured window, seconds. */
  readonly windowS: number;
  /** Per group: CPU over the window, % of one core. */
  readonly pct: Readonly<Record<string, number>>;
  /** Everything else the machine ran meanwhile (other users, the kernel), % of one core; /proc/stat, coarse. */
  readonly restOfMachinePct: number;
  readonly cores: number;
}

interface Sample {
  readonly t: number;
  readonly ns: Map<string, number>;
  readonly machineNs: number;
}

/**
 * Samples the groups at start(), then every `intervalMs` until stop(). The
 * report covers start() to the last poll at which every bounding group was
 * still running, so a process that exits at the end of the load is measured
 * up to (at most one interval before) its exit.
 */
export class CpuSampler {
  private readonly pidSets = new Map<string, Set<number>>();
  private first: Sample | undefined;
  private last: Sample | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly groups: readonly CpuGroup[],
    private readonly intervalMs = 200,
  ) {}

  start(): void {
    for (const g of this.groups) this.pidSets.set(g.name, new Set(g.pids()));
    this.first = this.sample();
    this.last = this.first;
    this.timer = setInterval(() => this.poll(), this.intervalMs);
  }

  private sample(): Sample {
    const ns = new Map<string, number>();
    for (const g of this.groups) {
      const set = this.pidSets.get(g.name) ?? new Set<number>();
      ns.set(g.name, cpuNs(set));
    }
    return { t: performance.now(), ns, machineNs: machineBusyNs() };
  }

  private poll(): void {
    for (const g of this.groups) {
      const set = this.pidSets.get(g.name);
      if (set !== undefined) for (const p of g.pids()) set.add(p);
    }
    const s = this.sample();
    const bounded = this.groups.filter((g) => g.bounding === true);
    const allRunning = bounded.every((g) => {
      const first = [...(this.pidSets.get(g.name) ?? [])][0];
      return first !== undefined && isRunning(first);
    });
    // Re-check after reading: a process that exited while being read is not a good end point.
    if (allRunning) this.last = s;
  }

  /** Stops polling; one last poll first, in case the bounding processes still run. */
  stop(): CpuReport {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.poll();
    const a = this.first;
    const b = this.last;
    if (a === undefined || b === undefined) throw new Error('CpuSampler.stop() before start()');
    const windowS = (b.t - a.t) / 1000;
    const pct: Record<string, number> = {};
    let sum = 0;
    for (const g of this.groups) {
      const d = Math.max(0, (b.ns.get(g.name) ?? 0) - (a.ns.get(g.name) ?? 0));
      const p = windowS > 0 ? (100 * d) / 1e9 / windowS : 0;
      pct[g.name] = p;
      sum += p;
    }
    const machinePct = windowS > 0 ? (100 * (b.machineNs - a.machineNs)) / 1e9 / windowS : 0;
    return { windowS, pct, restOfMachinePct: Math.max(0, machinePct - sum), cores: availableParallelism() };
  }
}
