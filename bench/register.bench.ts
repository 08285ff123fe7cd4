// REGISTER with digest authentication, our platform beside Kamailio.
//
// One SIPp load of registration cycles (REGISTER -> 401 -> REGISTER with
// credentials -> 200) against the reference Kamailio, then the same against
// our SIP edge, on this machine, in one run; prints both rates, the CPU split
// and, last, `ratio register: <ours / Kamailio's>`. See bench/README.md.
//
// Run: npm run bench:register -- [--rate N] [--duration S] [--only kamailio|platform] [--help]
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { choiceOpt, die, intOpt, kamailioVersion, parseBenchOptions, PortPicker, runBench, SIPP_BENCH_OPTIONS, sippBenchSettings } from './lib/bench-cli.js';
import { kamailioPaths, startKamailio } from './lib/kamailio-runner.js';
import { installCleanupHandlers, interruptedBy } from './lib/owned-processes.js';
import { backendPids, startPlatform } from './lib/platform-runner.js';
import { CpuSampler, processTree, type CpuGroup } from './lib/process-cpu.js';
import { cpuPerCycleUs, formatComparison, formatRun, runSummary, type ServerRun } from './lib/report-format.js';
import { APT_LINE, findTools, type Tools } from './lib/required-tools.js';
import { startSipp, type SippRunOptions } from './lib/sipp-runner.js';
import { generateUsers, provisionUserStore, writeSippInjectionFile } from './lib/user-provisioning.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(BENCH, '..');

/** Seconds a load may run past its planned duration (answers still on their way, retransmissions). */
const GRACE_S = 3;

const HELP = `npm run bench:register -- [options]

REGISTER -> 401 -> REGISTER with digest credentials -> 200, driven by SIPp,
against Kamailio and then against our SIP edge; prints the achieved rates, the
CPU split and finally "ratio register: <ours / Kamailio's>".

  --rate N            SIPp's target of new cycles per second (default 50000: more than
                      either server answers here, so the in-flight limit paces the load)
  --duration S        seconds of load per server: at most rate x duration cycles, and
                      SIPp stops ${GRACE_S} s after it in any case (default 10)
  --limit N           cycles in flight at most (SIPp -l; default 100)
                      Default = capacity: each server runs as fast as it answers with
                      100 cycles in flight. Fixed rate instead: --rate 2000 --limit 5000
  --only NAME         kamailio | platform: run one server only (no ratio line)
  --transport T       udp | tcp (default udp)
  --users N           distinct users, used in turn (default 20000)
  --domain D          SIP domain and digest realm of both servers (default 127.0.0.1)
  --password P        password of every bench user (default secret)
  --expires S         Expires of each binding (default 60)
  --edge-build B      dist (node dist/main.js after a cached turbo build, the default: what production runs) | source (src/main.ts through tsx)
  --edge-node-args=A  Node options for the edge, space-separated (e.g. --edge-node-args="--cpu-prof --cpu-prof-dir=/tmp/prof")
  --redis-url URL     Redis of the platform (default redis://127.0.0.1:6379/9: a database of its own)
  --nats-url URL      NATS of the platform (default nats://127.0.0.1:4222)
  --kamailio-port N   (default 5270; the next free one if taken) --edge-port N (5280)
  --ops-port N        (default 9160) --sipp-port N (5285)
  --run-dir DIR       runtime files and results (default $TMPDIR/simple-bench/register)
  --help

Needs sipp, kamailio, kamailio's SQLite module and sqlite3; without them it
prints the apt-get line and exits 2:
  ${APT_LINE}
NATS and Redis must be running already (the bench neither starts nor stops them).`;

const opt = parseBenchOptions(
  { ...SIPP_BENCH_OPTIONS, transport: { type: 'string' }, expires: { type: 'string' }, 'edge-node-args': { type: 'string' } },
  HELP,
);
const { rate, duration, limit, users: nUsers, domain, password, build: edgeBuild, redisUrl, natsUrl, runDir, calls, servers } = sippBenchSettings(opt, 'register', { users: 20000 });
const expires = intOpt(opt.expires, 'expires', 60);
const transport = choiceOpt(opt.transport, 'transport', ['udp', 'tcp'], 'udp');

const found = findTools({ sipp: true, kamailio: servers.includes('kamailio') });
if (found.tools === undefined) {
  die(`missing: ${found.missing.join(', ')}. Install with:\n  ${APT_LINE}`, 2);
}
const tools: Tools = found.tools;

installCleanupHandlers();

const SCENARIO = join(BENCH, 'sipp', 'register-auth.xml');
const KAMAILIO_CFG = join(BENCH, 'kamailio', 'register.cfg');

/** SIPp options shared by the probe and the load against one server. */
function sippBase(name: string, port: number, sippPort: number, resultsDir: string, injectionFile: string): Omit<SippRunOptions, 'rate' | 'calls' | 'limit' | 'maxSeconds'> {
  return {
    name,
    sipp: tools.sipp as string,
    scenario: SCENARIO,
    injectionFile,
    target: `127.0.0.1:${port}`,
    localIp: '127.0.0.1',
    localPort: sippPort,
    transport,
    vars: { domain, expires: String(expires), contact_port: String(sippPort + 11) },
    // the digest uri = the Request-URI (SIPp's default is sip:<remote ip>:<port>)
    extraArgs: ['-auth_uri', domain],
    resultsDir,
  };
}

/**
 * One call first, every message traced: proves that registration with
 * authentication works before the load, and shows why when it does not.
 */
async function probe(base: ReturnType<typeof sippBase>): Promise<string | undefined> {
  const run = await startSipp({ ...base, name: `${base.name}-probe`, rate: 1, calls: 1, limit: 1, maxSeconds: 10, traceMessages: true });
  const r = await run.result;
  if (r.ok === 1) return undefined;
  let trace = '';
  if (r.files.messages !== undefined) {
    trace = readFileSync(r.files.messages, 'utf8').split('\n').slice(-45).join('\n');
  }
  let errors = '';
  try {
    errors = readFileSync(r.files.errors, 'utf8');
  } catch {
    // no error file
  }
  const hint = /authentication must use MD5/.test(errors)
    ? '\nSIPp 3.6.1 answers the first WWW-Authenticate only, and only with MD5: the server must challenge with MD5 alone' +
      ' (the bench sets SIMPLE_AUTH_ALGORITHMS=MD5 for the edge; the edge must honour it)'
    : '';
  const lastErr = errors.split('\n').filter((l) => l.trim() !== '').slice(-3).join('\n');
  return `the one-call probe failed (ok=${r.ok} failed=${r.failed}, sipp rc=${r.exit.code}); messages (${r.files.messages ?? 'none'}):\n${trace}\nSIPp errors (${r.files.errors}):\n${lastErr}${hint}`;
}

interface LoadSetup {
  readonly server: string;
  readonly description: string;
  readonly port: number;
  readonly groups: readonly CpuGroup[];
  readonly serverGroups: readonly string[];
}

async function load(setup: LoadSetup, base: ReturnType<typeof sippBase>): Promise<ServerRun> {
  // Bounded in calls (rate x duration) and in time: SIPp stops GRACE_S after
  // the planned duration, whatever is still in progress.
  const run = await startSipp({ ...base, rate, calls, limit, maxSeconds: duration + GRACE_S });
  const sampler = new CpuSampler([...setup.groups, { name: 'sipp', pids: () => [run.process.pid], bounding: true }, { name: 'harness', pids: () => [process.pid] }]);
  sampler.start();
  const sipp = await run.result;
  const cpu = sampler.stop();
  const sig = interruptedBy();
  if (sig !== undefined) throw new Error(`interrupted by ${sig}`);
  return { server: setup.server, description: setup.description, target: base.target, sipp, cpu, serverGroups: setup.serverGroups, notes: [] };
}

async function main(): Promise<number> {
  mkdirSync(runDir, { recursive: true });
  const resultsDir = join(runDir, 'results');
  const ports = new PortPicker(opt);
  const pick = (flag: string, def: number, protos: ('udp' | 'tcp')[]): Promise<number> => ports.pick(flag, def, protos);
  const sippPort = await pick('sipp-port', 5285, ['udp', 'tcp']);
  ports.taken.add(sippPort + 11); // the Contact port (nobody listens; keep servers off it)

  const users = generateUsers(nUsers, password);
  const injectionFile = join(runDir, 'users.csv');
  writeSippInjectionFile(injectionFile, users);
  writeFileSync(join(runDir, 'passwd'), users.map((u) => `${u.user}:${u.password}`).join('\n') + '\n');

  console.log(
    `register: REGISTER -> 401 -> REGISTER with credentials -> 200 over ${transport.toUpperCase()}, target ${rate} cycles/s for ${duration} s` +
      ` (${calls} cycles, <= ${limit} in flight), ${nUsers} users sip:u…@${domain}, expires ${expires} s; SIPp on 127.0.0.1:${sippPort}; files in ${runDir}`,
  );

  const runs = new Map<string, ServerRun>();
  let failures = 0;

  for (const server of servers) {
    if (server === 'kamailio') {
      const port = await pick('kamailio-port', 5270, ['udp', 'tcp']);
      const base = sippBase('kamailio', port, sippPort, resultsDir, injectionFile);
      let kam;
      try {
        kam = await startKamailio({
          ...kamailioPaths(tools),
          config: KAMAILIO_CFG,
          runDir: join(runDir, 'kamailio'),
          port,
          domain,
          users,
        });
      } catch (err) {
        console.error(`kamailio: ${(err as Error).message}`);
        failures++;
        continue;
      }
      try {
        const bad = await probe(base);
        if (bad !== undefined) {
          console.error(`kamailio: ${bad}`);
          failures++;
          continue;
        }
        const before = kam.statistics('registrar:');
        const pid = kam.pid;
        const r = await load(
          { server: 'kamailio', description: `Kamailio ${kamailioVersion(tools.kamailio as string)} with bench/kamailio/register.cfg, pid ${pid}`, port, groups: [{ name: 'server', pids: () => processTree(pid) }], serverGroups: ['server'] },
          base,
        );
        const after = kam.statistics('registrar:');
        const acc = Number(after['registrar:accepted_regs'] ?? NaN) - Number(before['registrar:accepted_regs'] ?? NaN);
        const rej = Number(after['registrar:rejected_regs'] ?? NaN) - Number(before['registrar:rejected_regs'] ?? NaN);
        if (Number.isFinite(acc)) (r.notes as string[]).push(`kamailio's own count: accepted_regs +${acc}, rejected_regs +${rej}`);
        runs.set('kamailio', r);
        console.log(formatRun(r));
      } finally {
        await kam.stop();
      }
    } else {
      const udpPort = await pick('edge-port', 5280, ['udp', 'tcp']);
      const opsPort = await pick('ops-port', 9160, ['tcp']);
      const base = sippBase('platform', udpPort, sippPort, resultsDir, injectionFile);
      const backends = backendPids(natsUrl, redisUrl);
      if (backends.nats === undefined || backends.redis === undefined) {
        const missing = [backends.nats === undefined ? `nats-server for ${natsUrl}` : '', backends.redis === undefined ? `redis-server for ${redisUrl}` : ''].filter((m) => m !== '');
        console.error(`platform: nothing listens as ${missing.join(' and ')}: start them first (the bench does not)`);
        failures++;
        continue;
      }
      let prov;
      try {
        prov = await provisionUserStore(redisUrl, domain, users);
      } catch (err) {
        console.error(`platform: provisioning ${nUsers} users in ${redisUrl} failed: ${(err as Error).message}`);
        failures++;
        continue;
      }
      console.log(`platform: user store ${redisUrl}: ${prov.added} added, ${prov.updated} password reset, ${prov.unchanged} already there (${prov.seconds.toFixed(1)} s)`);
      if (edgeBuild === 'dist') {
        // The edge runs as production does: compiled JavaScript (turbo's cache makes this quick).
        const b = spawnSync('npx', ['turbo', 'run', 'build', '--filter=@simple/sip-edge...', '--output-logs=errors-only'], { cwd: REPO, stdio: 'inherit' });
        if (b.status !== 0) {
          console.error('platform: build failed');
          failures++;
          continue;
        }
      }
      let edge;
      try {
        edge = await startPlatform({
          repoRoot: REPO,
          build: edgeBuild,
          logFile: join(runDir, 'sip-edge.log'),
          udpPort,
          tcpPort: udpPort,
          opsPort,
          redisUrl,
          natsUrl,
          authSecret: randomBytes(24).toString('hex'),
          nodeArgs: (opt['edge-node-args'] ?? '').split(/\s+/).filter((a) => a !== ''),
        });
      } catch (err) {
        console.error(`platform: ${(err as Error).message}`);
        failures++;
        continue;
      }
      try {
        const bad = await probe(base);
        if (bad !== undefined) {
          console.error(`platform: ${bad}`);
          failures++;
          continue;
        }
        const pid = edge.pid;
        const { nats, redis } = backends;
        const r = await load(
          {
            server: 'platform',
            description: `sip-edge (${edge.command}, pid ${pid}) + nats-server pid ${nats} + redis-server pid ${redis}`,
            port: udpPort,
            groups: [
              { name: 'server', pids: () => processTree(pid) },
              { name: 'nats-server', pids: () => [nats] },
              { name: 'redis-server', pids: () => [redis] },
            ],
            serverGroups: ['server', 'nats-server', 'redis-server'],
          },
          base,
        );
        (r.notes as string[]).push(`edge log: ${edge.logFile}`);
        runs.set('platform', r);
        console.log(formatRun(r));
      } finally {
        await edge.stop();
      }
    }
  }

  const kam = runs.get('kamailio');
  const ours = runs.get('platform');
  const summary: Record<string, unknown> = { date: new Date().toISOString(), rate, duration, calls, limit, transport, users: nUsers, domain };
  for (const [name, r] of runs) summary[name] = runSummary(r, 'server_cpu_us_per_cycle');
  if (kam !== undefined && ours !== undefined) {
    const ratio = kam.sipp.okPerS > 0 ? ours.sipp.okPerS / kam.sipp.okPerS : 0;
    summary.ratio = Number(ratio.toFixed(2));
    appendFileSync(join(runDir, 'summary.jsonl'), JSON.stringify(summary) + '\n');
    console.log('\ncomparison (same machine, same load, one after the other):');
    console.log(formatComparison(kam, ours));
    const kc = cpuPerCycleUs(kam);
    const oc = cpuPerCycleUs(ours);
    if (kc !== undefined && oc !== undefined) console.log(`server-side CPU per cycle, ours / Kamailio's: ${(oc / kc).toFixed(2)}`);
    console.log(`ok cycles/s: platform ${ours.sipp.okPerS.toFixed(1)}, kamailio ${kam.sipp.okPerS.toFixed(1)}`);
    console.log(`ratio register: ${ratio.toFixed(2)}`);
  } else if (runs.size > 0) {
    appendFileSync(join(runDir, 'summary.jsonl'), JSON.stringify(summary) + '\n');
  }
  return failures > 0 ? 1 : 0;
}

runBench('register', main);
