// MESSAGE relayed between online users, our platform beside Kamailio.
//
// A SIPp receiver registers one user and answers every MESSAGE 200; a SIPp
// sender sends MESSAGEs to that user (MESSAGE -> 407 -> MESSAGE with
// credentials -> relayed -> 200 relayed back), against the reference
// Kamailio (bench/kamailio/message.cfg) and then against our SIP edge with
// the message router, on this machine, in one run; prints both rates, the
// CPU split and, last, `ratio message: <ours / Kamailio's>`. See bench/README.md.
//
// Run: npm run bench:message -- [--rate N] [--duration S] [--only kamailio|platform] [--help]
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { messageKeys, redisKeys } from '@simple/contracts';
import { Redis } from 'ioredis';
import { die, kamailioVersion, parseBenchOptions, PortPicker, runBench, SIPP_BENCH_OPTIONS, sippBenchSettings } from './lib/bench-cli.js';
import { kamailioPaths, startKamailio } from './lib/kamailio-runner.js';
import { startMessageRouter } from './lib/message-router-runner.js';
import { writeMessageScenarios, type MessageScenarios } from './lib/message-scenarios.js';
import { installCleanupHandlers, interruptedBy } from './lib/owned-processes.js';
import { backendPids, startPlatform } from './lib/platform-runner.js';
import { CpuSampler, processTree, type CpuGroup } from './lib/process-cpu.js';
import { cpuPerCycleUs, formatComparison, formatRun, runSummary, type ServerRun } from './lib/report-format.js';
import { APT_LINE, findTools, type Tools } from './lib/required-tools.js';
import { startSipp, type SippRun, type SippRunOptions } from './lib/sipp-runner.js';
import { generateUsers, provisionUserStore, writeSippInjectionFile, type BenchUser } from './lib/user-provisioning.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(BENCH, '..');

/** Seconds a load may run past its planned duration (answers still on their way, retransmissions). */
const GRACE_S = 3;
const RTT_LABEL = 'first MESSAGE to the relayed 200';

const HELP = `npm run bench:message -- [options]

MESSAGE -> 407 -> MESSAGE with digest credentials -> relayed to a registered
SIPp receiver -> 200 relayed back, driven by SIPp, against Kamailio and then
against our SIP edge + message router; prints the achieved rates, the CPU
split and finally "ratio message: <ours / Kamailio's>".

  --rate N            SIPp's target of new messages per second (default 50000: more than
                      either server relays here, so the in-flight limit paces the load)
  --duration S        seconds of load per server: at most rate x duration messages, and
                      SIPp stops ${GRACE_S} s after it in any case (default 10)
  --limit N           messages in flight at most (SIPp -l; default 100)
  --only NAME         kamailio | platform: run one server only (no ratio line)
  --users N           distinct senders, used in turn (default 1000)
  --domain D          SIP domain and digest realm of both servers (default 127.0.0.1)
  --password P        password of every bench user (default secret)
  --edge-build B      dist (the default: node dist/main.js after a cached turbo build) | source (tsx)
  --redis-url URL     Redis of the platform (default redis://127.0.0.1:6379/9)
  --nats-url URL      NATS of the platform (default nats://127.0.0.1:4222)
  --kamailio-port N   (default 5370; the next free one if taken) --edge-port N (5380)
  --ops-port N        edge ops (9260; the router's is the next free one after it)
  --sipp-port N       the sender (5385; the receiver takes the next free one after it)
  --run-dir DIR       runtime files and results (default $TMPDIR/simple-bench/message)
  --help

UDP only. Needs sipp, kamailio, kamailio's SQLite module and sqlite3:
  ${APT_LINE}
NATS and Redis must be running already (the bench neither starts nor stops them).`;

const opt = parseBenchOptions(SIPP_BENCH_OPTIONS, HELP);
const { rate, duration, limit, users: nUsers, domain, password, build, redisUrl, natsUrl, runDir, calls, servers } = sippBenchSettings(opt, 'message', { users: 1000 });

const found = findTools({ sipp: true, kamailio: servers.includes('kamailio') });
if (found.tools === undefined) die(`missing: ${found.missing.join(', ')}. Install with:\n  ${APT_LINE}`, 2);
const tools: Tools = found.tools;

installCleanupHandlers();

const KAMAILIO_CFG = join(BENCH, 'kamailio', 'message.cfg');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Ports {
  readonly sender: number;
  readonly receiver: number;
}

interface Files {
  readonly scenarios: MessageScenarios;
  readonly senders: string;
  readonly receiver: string;
  readonly receiverUser: BenchUser;
  readonly resultsDir: string;
}

/** SIPp options of the sender against one server (the probe and the load). */
function senderBase(name: string, port: number, ports: Ports, f: Files): Omit<SippRunOptions, 'rate' | 'calls' | 'limit' | 'maxSeconds'> {
  return {
    name,
    sipp: tools.sipp as string,
    scenario: f.scenarios.sender,
    injectionFile: f.senders,
    target: `127.0.0.1:${port}`,
    localIp: '127.0.0.1',
    localPort: ports.sender,
    transport: 'udp',
    vars: { domain, to: f.receiverUser.user },
    // the digest uri = the Request-URI (SIPp's default is sip:<remote ip>:<port>)
    extraArgs: ['-auth_uri', `${f.receiverUser.user}@${domain}`],
    resultsDir: f.resultsDir,
  };
}

/** The receiver: registers, then answers MESSAGE 200 until stopped (bounded: the load's time and a margin). */
async function startReceiver(name: string, port: number, ports: Ports, f: Files): Promise<SippRun> {
  const stayS = duration + GRACE_S + 60;
  return startSipp({
    name: `${name}-receiver`,
    sipp: tools.sipp as string,
    scenario: f.scenarios.receiver,
    injectionFile: f.receiver,
    target: `127.0.0.1:${port}`,
    localIp: '127.0.0.1',
    localPort: ports.receiver,
    transport: 'udp',
    rate: 1,
    calls: 1,
    limit: 1,
    maxSeconds: stayS + 5,
    vars: { domain },
    extraArgs: ['-auth_uri', domain, '-d', String(stayS * 1000), '-oocsf', f.scenarios.ooc],
    resultsDir: f.resultsDir,
  });
}

/**
 * One message first, every SIP message traced, tried a few times while the
 * receiver registers: proves that authentication and relaying work before
 * the load, and shows why when they do not.
 */
async function probe(base: ReturnType<typeof senderBase>): Promise<string | undefined> {
  let last = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const run = await startSipp({ ...base, name: `${base.name}-probe`, rate: 1, calls: 1, limit: 1, maxSeconds: 10, traceMessages: true });
    const r = await run.result;
    if (r.ok === 1) return undefined;
    let trace = '';
    if (r.files.messages !== undefined) trace = readFileSync(r.files.messages, 'utf8').split('\n').slice(-45).join('\n');
    last = `the one-message probe failed (ok=${r.ok} failed=${r.failed}, sipp rc=${r.exit.code}); messages (${r.files.messages ?? 'none'}):\n${trace}`;
    await sleep(1000);
  }
  return last;
}

interface LoadSetup {
  readonly server: string;
  readonly description: string;
  readonly groups: readonly CpuGroup[];
  readonly serverGroups: readonly string[];
  readonly receiverPid: number;
}

async function load(setup: LoadSetup, base: ReturnType<typeof senderBase>): Promise<ServerRun> {
  // Bounded in calls (rate x duration) and in time: SIPp stops GRACE_S after the planned duration.
  const run = await startSipp({ ...base, rate, calls, limit, maxSeconds: duration + GRACE_S });
  const sampler = new CpuSampler([
    ...setup.groups,
    { name: 'sipp', pids: () => [run.process.pid], bounding: true },
    { name: 'sipp-receiver', pids: () => [setup.receiverPid] },
    { name: 'harness', pids: () => [process.pid] },
  ]);
  sampler.start();
  const sipp = await run.result;
  const cpu = sampler.stop();
  const sig = interruptedBy();
  if (sig !== undefined) throw new Error(`interrupted by ${sig}`);
  return { server: setup.server, description: setup.description, target: base.target, sipp, cpu, serverGroups: setup.serverGroups, notes: [], rttLabel: RTT_LABEL };
}

/** Removes what the platform run leaves in Redis for the receiver (its binding, messages stored when a delivery failed). */
async function cleanPlatformState(aor: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const stored = await redis.xlen(messageKeys.pending(aor));
    await redis.del(redisKeys.bindings(aor), messageKeys.pending(aor), messageKeys.deliveryLock(aor));
    await redis.zrem(redisKeys.bindingExpiry(), aor);
    return stored;
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<number> {
  mkdirSync(runDir, { recursive: true });
  const resultsDir = join(runDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const portPicker = new PortPicker(opt);
  const pick = (flag: string, def: number, protos: ('udp' | 'tcp')[]): Promise<number> => portPicker.pick(flag, def, protos);
  const senderPort = await pick('sipp-port', 5385, ['udp', 'tcp']);
  const receiverPort = await portPicker.next(senderPort + 1, ['udp', 'tcp']);
  const ports: Ports = { sender: senderPort, receiver: receiverPort };

  const senders = generateUsers(nUsers, password);
  const receiverUser = generateUsers(1, password, 'r')[0] as BenchUser;
  const files: Files = {
    scenarios: writeMessageScenarios(runDir),
    senders: join(runDir, 'senders.csv'),
    receiver: join(runDir, 'receiver.csv'),
    receiverUser,
    resultsDir,
  };
  writeSippInjectionFile(files.senders, senders);
  writeSippInjectionFile(files.receiver, [receiverUser]);
  const allUsers = [...senders, receiverUser];

  console.log(
    `message: MESSAGE -> 407 -> MESSAGE with credentials -> relayed -> 200 over UDP, target ${rate} messages/s for ${duration} s` +
      ` (${calls} messages, <= ${limit} in flight), ${nUsers} senders sip:u…@${domain} to sip:${receiverUser.user}@${domain}` +
      ` (a SIPp receiver on 127.0.0.1:${receiverPort}); sender on 127.0.0.1:${senderPort}; files in ${runDir}`,
  );

  const runs = new Map<string, ServerRun>();
  let failures = 0;

  for (const server of servers) {
    if (server === 'kamailio') {
      const port = await pick('kamailio-port', 5370, ['udp', 'tcp']);
      const base = senderBase('kamailio', port, ports, files);
      let kam;
      try {
        kam = await startKamailio({
          ...kamailioPaths(tools),
          config: KAMAILIO_CFG,
          runDir: join(runDir, 'kamailio'),
          port,
          domain,
          users: allUsers,
        });
      } catch (err) {
        console.error(`kamailio: ${(err as Error).message}`);
        failures++;
        continue;
      }
      let receiver: SippRun | undefined;
      try {
        receiver = await startReceiver('kamailio', port, ports, files);
        const bad = await probe(base);
        if (bad !== undefined) {
          console.error(`kamailio: ${bad}`);
          failures++;
          continue;
        }
        const before = kam.statistics('tmx:', 'sl:');
        const pid = kam.pid;
        const r = await load(
          {
            server: 'kamailio',
            description: `Kamailio ${kamailioVersion(tools.kamailio as string)} with bench/kamailio/message.cfg, pid ${pid}`,
            groups: [{ name: 'server', pids: () => processTree(pid) }],
            serverGroups: ['server'],
            receiverPid: receiver.process.pid,
          },
          base,
        );
        const after = kam.statistics('tmx:', 'sl:');
        const d = (k: string): number => Number(after[k] ?? NaN) - Number(before[k] ?? NaN);
        if (Number.isFinite(d('tmx:2xx_transactions'))) (r.notes as string[]).push(`kamailio's own count: tmx 2xx_transactions +${d('tmx:2xx_transactions')}, sl 4xx_replies +${d('sl:4xx_replies')}`);
        runs.set('kamailio', r);
        console.log(formatRun(r));
      } finally {
        await receiver?.process.stop(2000);
        await kam.stop();
      }
    } else {
      const udpPort = await pick('edge-port', 5380, ['udp', 'tcp']);
      const opsPort = await pick('ops-port', 9260, ['tcp']);
      const routerOps = await portPicker.next(opsPort + 1, ['tcp']);
      const base = senderBase('platform', udpPort, ports, files);
      const backends = backendPids(natsUrl, redisUrl);
      if (backends.nats === undefined || backends.redis === undefined) {
        console.error(`platform: nats-server (${natsUrl}) or redis-server (${redisUrl}) is not running: start them first (the bench does not)`);
        failures++;
        continue;
      }
      let prov;
      try {
        prov = await provisionUserStore(redisUrl, domain, allUsers);
      } catch (err) {
        console.error(`platform: provisioning ${allUsers.length} users in ${redisUrl} failed: ${(err as Error).message}`);
        failures++;
        continue;
      }
      console.log(`platform: user store ${redisUrl}: ${prov.added} added, ${prov.updated} password reset, ${prov.unchanged} already there (${prov.seconds.toFixed(1)} s)`);
      const receiverAor = `${receiverUser.user}@${domain}`;
      await cleanPlatformState(receiverAor);
      if (build === 'dist') {
        const b = spawnSync('npx', ['turbo', 'run', 'build', '--filter=@simple/sip-edge...', '--filter=@simple/message-router...', '--output-logs=errors-only'], { cwd: REPO, stdio: 'inherit' });
        if (b.status !== 0) {
          console.error('platform: build failed');
          failures++;
          continue;
        }
      }
      let edge;
      let router;
      try {
        router = await startMessageRouter({ repoRoot: REPO, build, logFile: join(runDir, 'message-router.log'), opsPort: routerOps, redisUrl, natsUrl });
        edge = await startPlatform({
          repoRoot: REPO,
          build,
          logFile: join(runDir, 'sip-edge.log'),
          udpPort,
          tcpPort: udpPort,
          opsPort,
          redisUrl,
          natsUrl,
          authSecret: randomBytes(24).toString('hex'),
        });
      } catch (err) {
        console.error(`platform: ${(err as Error).message}`);
        await router?.stop();
        failures++;
        continue;
      }
      let receiver: SippRun | undefined;
      try {
        receiver = await startReceiver('platform', udpPort, ports, files);
        const bad = await probe(base);
        if (bad !== undefined) {
          console.error(`platform: ${bad}`);
          failures++;
          continue;
        }
        const { nats, redis } = backends;
        const edgePid = edge.pid;
        const routerPid = router.pid;
        const r = await load(
          {
            server: 'platform',
            description: `sip-edge (${edge.command}, pid ${edgePid}) + message-router (${router.command}, pid ${routerPid}) + nats-server pid ${nats} + redis-server pid ${redis}`,
            groups: [
              { name: 'server', pids: () => processTree(edgePid) },
              { name: 'message-router', pids: () => processTree(routerPid) },
              { name: 'nats-server', pids: () => [nats] },
              { name: 'redis-server', pids: () => [redis] },
            ],
            serverGroups: ['server', 'message-router', 'nats-server', 'redis-server'],
            receiverPid: receiver.process.pid,
          },
          base,
        );
        (r.notes as string[]).push(`"server" is the edge; logs: ${edge.logFile}, ${router.logFile}`);
        runs.set('platform', r);
        console.log(formatRun(r));
      } finally {
        await receiver?.process.stop(2000);
        await edge.stop();
        await router.stop();
        const stored = await cleanPlatformState(receiverAor).catch(() => 0);
        if (stored > 0) console.log(`platform: ${stored} messages had been stored (202) instead of delivered; removed`);
      }
    }
  }

  const kam = runs.get('kamailio');
  const ours = runs.get('platform');
  const summary: Record<string, unknown> = { date: new Date().toISOString(), bench: 'message', rate, duration, calls, limit, senders: nUsers, domain };
  for (const [name, r] of runs) summary[name] = runSummary(r, 'server_cpu_us_per_message');
  if (runs.size > 0) appendFileSync(join(runDir, 'summary.jsonl'), JSON.stringify(summary) + '\n');
  if (kam !== undefined && ours !== undefined) {
    const ratio = kam.sipp.okPerS > 0 ? ours.sipp.okPerS / kam.sipp.okPerS : 0;
    console.log('\ncomparison (same machine, same load, one after the other; a cycle = one relayed MESSAGE):');
    console.log(formatComparison(kam, ours));
    console.log(`   ${'CPU message-router'.padEnd(24)} platform ${Math.round(ours.cpu.pct['message-router'] ?? 0)}%`);
    const kc = cpuPerCycleUs(kam);
    const oc = cpuPerCycleUs(ours);
    if (kc !== undefined && oc !== undefined) console.log(`server-side CPU per message, ours / Kamailio's: ${(oc / kc).toFixed(2)}`);
    console.log(`messages relayed/s: platform ${ours.sipp.okPerS.toFixed(1)}, kamailio ${kam.sipp.okPerS.toFixed(1)}`);
    console.log(`ratio message: ${ratio.toFixed(2)}`);
  }
  return failures > 0 ? 1 : 0;
}

runBench('message', main);
