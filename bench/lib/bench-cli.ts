// What every side-by-side bench (register, message, xcap) does the same way:
// its command line (parseArgs, --help, integer options, exit status 2 for a
// bad option), the settings the SIPp benches share, ports picked on
// 127.0.0.1, Kamailio's version for the report, and the run itself (stop
// every started process on the way out, whatever happens).
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { freePort } from './free-ports.js';
import { stopAllOwned } from './owned-processes.js';
import type { ServiceBuild } from './node-service-runner.js';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** The parsed values of options declared as `{ type: 'string' | 'boolean' }` (no multiple, no defaults). */
export type OptionValues<O extends OptionsConfig> = { readonly [K in keyof O]?: O[K] extends { readonly type: 'boolean' } ? boolean : string };

/** Prints `msg` and exits: 1 = a server could not be measured, 2 = a bad option or a missing tool. */
export function die(msg: string, code = 1): never {
  console.error(msg);
  process.exit(code);
}

/** An integer option, `def` when absent; exits 2 when it is not an integer >= min. */
export function intOpt(v: string | undefined, name: string, def: number, min = 1): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) die(`--${name}: expected an integer >= ${min}, got ${JSON.stringify(v)}`, 2);
  return n;
}

/** One of `choices`, `def` when absent; exits 2 otherwise. */
export function choiceOpt<const C extends string>(v: string | undefined, name: string, choices: readonly C[], def: C): C {
  if (v === undefined) return def;
  if (!(choices as readonly string[]).includes(v)) die(`--${name}: ${choices.join(' or ')}, got ${JSON.stringify(v)}`, 2);
  return v as C;
}

/** Parses the command line (strict; --help is added); prints `help` and exits 0 for --help, exits 2 on an unknown option. */
export function parseBenchOptions<const O extends OptionsConfig>(options: O, help: string): OptionValues<O> {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    values = parseArgs({ options: { ...options, help: { type: 'boolean' } }, strict: true }).values;
  } catch (err) {
    die(`${(err as Error).message}\n(see --help)`, 2);
  }
  if (values.help === true) {
    console.log(help);
    process.exit(0);
  }
  return values as OptionValues<O>;
}

/** The options bench:register and bench:message share (SIPp against Kamailio, then against the edge). */
export const SIPP_BENCH_OPTIONS = {
  rate: { type: 'string' },
  duration: { type: 'string' },
  limit: { type: 'string' },
  only: { type: 'string' },
  users: { type: 'string' },
  domain: { type: 'string' },
  password: { type: 'string' },
  'edge-build': { type: 'string' },
  'redis-url': { type: 'string' },
  'nats-url': { type: 'string' },
  'kamailio-port': { type: 'string' },
  'edge-port': { type: 'string' },
  'ops-port': { type: 'string' },
  'sipp-port': { type: 'string' },
  'run-dir': { type: 'string' },
} as const;

export type SippBenchValues = OptionValues<typeof SIPP_BENCH_OPTIONS>;

export type ServerName = 'kamailio' | 'platform';

/** The settings of a SIPp bench, checked (exit 2 on a bad one). */
export interface SippBenchSettings {
  readonly rate: number;
  readonly duration: number;
  readonly limit: number;
  readonly users: number;
  readonly domain: string;
  readonly password: string;
  readonly build: ServiceBuild;
  readonly redisUrl: string;
  readonly natsUrl: string;
  readonly runDir: string;
  /** At most rate × duration calls. */
  readonly calls: number;
  /** Kamailio then the platform, or the one of --only. */
  readonly servers: readonly ServerName[];
}

/** Reads the shared options; `bench` names the default run folder ($TMPDIR/simple-bench/<bench>). */
export function sippBenchSettings(opt: SippBenchValues, bench: string, defaults: { readonly users: number }): SippBenchSettings {
  const rate = intOpt(opt.rate, 'rate', 50000);
  const duration = intOpt(opt.duration, 'duration', 10);
  return {
    rate,
    duration,
    limit: intOpt(opt.limit, 'limit', 100),
    users: intOpt(opt.users, 'users', defaults.users),
    domain: opt.domain ?? '127.0.0.1',
    password: opt.password ?? 'secret',
    build: choiceOpt(opt['edge-build'], 'edge-build', ['dist', 'source'], 'dist'),
    ...backendSettings(opt),
    runDir: runDirOf(opt['run-dir'], bench),
    calls: rate * duration,
    servers: serversOf(opt.only),
  };
}

/** --redis-url (default database 9, away from the tests' 0) and --nats-url. */
export function backendSettings(opt: { readonly 'redis-url'?: string; readonly 'nats-url'?: string }): { redisUrl: string; natsUrl: string } {
  return { redisUrl: opt['redis-url'] ?? 'redis://127.0.0.1:6379/9', natsUrl: opt['nats-url'] ?? 'nats://127.0.0.1:4222' };
}

/** --run-dir, or $TMPDIR/simple-bench/<bench>. */
export function runDirOf(v: string | undefined, bench: string): string {
  return resolve(v ?? join(process.env.TMPDIR ?? tmpdir(), 'simple-bench', bench));
}

/** --only kamailio|platform, or both in that order. */
export function serversOf(only: string | undefined): readonly ServerName[] {
  if (only === undefined) return ['kamailio', 'platform'];
  return [choiceOpt(only, 'only', ['kamailio', 'platform'], 'kamailio')];
}

/**
 * Hands out ports on 127.0.0.1: the option's value or its default when free,
 * else the next free one, never the same twice in a run.
 */
export class PortPicker {
  readonly taken = new Set<number>();

  constructor(private readonly opt: Readonly<Record<string, unknown>>) {}

  async pick(flag: string, def: number, protocols: readonly ('udp' | 'tcp')[]): Promise<number> {
    const v = this.opt[flag];
    return this.next(intOpt(typeof v === 'string' ? v : undefined, flag, def), protocols);
  }

  /** The first free port from `from` on. */
  async next(from: number, protocols: readonly ('udp' | 'tcp')[]): Promise<number> {
    const p = await freePort(from, protocols, this.taken);
    this.taken.add(p);
    return p;
  }
}

/** "5.6.3" from `kamailio -v` ("version: kamailio 5.6.3 (x86_64/linux)"), or ''. */
export function kamailioVersion(kamailio: string): string {
  try {
    return /kamailio (\d+\.\d+\.\d+)/.exec(execFileSync(kamailio, ['-v'], { encoding: 'utf8', timeout: 5000 }))?.[1] ?? '';
  } catch {
    return '';
  }
}

/** Runs the bench's main, then stops whatever it left running and exits with its status (1 on a throw). */
export function runBench(name: string, main: () => Promise<number>): void {
  main()
    .then(async (code) => {
      await stopAllOwned();
      process.exit(code);
    })
    .catch(async (err: unknown) => {
      console.error(`${name} bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      await stopAllOwned();
      process.exit(1);
    });
}
