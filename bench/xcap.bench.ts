// XCAP element GETs and element PUTs, our XCAP server beside Kamailio's xcap_server.
//
// One user's resource-lists document with many entries; wrk sends element
// GETs (one entry by its uri) and then element PUTs (one entry replaced),
// each request with its own HTTP Digest credentials, over keep-alive
// connections, against Kamailio (bench/kamailio/xcap.cfg) and then against
// services/xcap, on this machine, in one run; prints both rates, latencies,
// errors, the CPU split and, last, `ratio xcap: <x>` (the geometric mean of
// the GET and PUT ratios, ours / Kamailio's). See bench/README.md.
//
// Run: npm run bench:xcap -- [--duration S] [--connections N] [--only kamailio|platform] [--help]
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backendSettings, choiceOpt, die, intOpt, kamailioVersion, parseBenchOptions, PortPicker, runBench, runDirOf, serversOf } from './lib/bench-cli.js';
import { kamailioPaths, startKamailio } from './lib/kamailio-runner.js';
import { installCleanupHandlers, interruptedBy } from './lib/owned-processes.js';
import { backendPids } from './lib/platform-runner.js';
import { CpuSampler, processTree, type CpuGroup, type CpuReport } from './lib/process-cpu.js';
import { roundedPct } from './lib/report-format.js';
import { APT_LINE_XCAP, findTools, type Tools } from './lib/required-tools.js';
import { generateUsers, provisionUserStore, type BenchUser } from './lib/user-provisioning.js';
import { startWrk, type WrkResult } from './lib/wrk-runner.js';
import { startXcapServer } from './lib/xcap-runner.js';
import {
  digestAuthorization,
  documentPath,
  DOCUMENT_CONTENT_TYPE,
  elementGets,
  elementPuts,
  emptyResourceListsDocument,
  entryUri,
  httpRequest,
  md5Challenge,
  requestHeaders,
  resourceListsDocument,
  writeRequestFile,
  type DigestChallenge,
  type XcapRequest,
} from './lib/xcap-workload.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(BENCH, '..');
const KAMAILIO_CFG = join(BENCH, 'kamailio', 'xcap.cfg');
const WRK_SCRIPT = join(BENCH, 'wrk', 'requests-from-file.lua');
const XCAP_ROOT = '/xcap-root';

const HELP = `npm run bench:xcap -- [options]

XCAP element GETs, then element PUTs (one entry of a resource-lists document
with many entries), every request with HTTP Digest credentials (MD5,
qop=auth), driven by wrk over keep-alive connections, against Kamailio's
xcap_server and then against our XCAP server; prints the rates, latencies,
errors, the CPU split, "ratio get", "ratio put" and finally
"ratio xcap: <geometric mean of the two, ours / Kamailio's>".

  --duration S         seconds of each load (GET, then PUT) per server (default 10)
  --connections N      keep-alive connections wrk holds open (default 32), the same for both servers
  --threads N          wrk threads (default 1: one is enough for these rates and leaves the
                       second core to the servers)
  --entries N          entries in the seeded document (default 200)
  --requests N         distinct precomputed requests per load, each with its own nc and
                       cnonce; wrk cycles through them (default 4096)
  --timeout S          a request unanswered this long is a timeout (default 5)
  --loads L            both | get | put: which loads to run (default both; the ratio lines need both)
  --count-statuses W   put | all | none: which loads count every response's status in wrk's
                       Lua (costs wrk CPU; default put)
  --only NAME          kamailio | platform: run one server only (no ratio lines)
  --domain D           the user's domain and digest realm (default 127.0.0.1)
  --password P         the bench user's password (default secret)
  --xcap-build B       dist (node dist/main.js after a cached turbo build, the default) | source (tsx)
  --xcap-node-args=A   Node options for our server (e.g. --xcap-node-args="--cpu-prof --cpu-prof-dir=/tmp/prof")
  --kamailio-workers N Kamailio's TCP (HTTP) worker processes (default 2, one per core)
  --redis-url URL      Redis of our server (default redis://127.0.0.1:6379/9)
  --nats-url URL       NATS of our server (default nats://127.0.0.1:4222)
  --kamailio-port N    (default 5470; the next free one if taken) --xcap-port N (5480) --ops-port N (9360)
  --run-dir DIR        runtime files and results (default $TMPDIR/simple-bench/xcap)
  --help

Needs wrk, kamailio with its SQLite and XML modules, and sqlite3; without them
it prints the apt-get line and exits 2:
  ${APT_LINE_XCAP}
NATS and Redis must be running already (the bench neither starts nor stops them).`;

const opt = parseBenchOptions(
  {
    duration: { type: 'string' },
    connections: { type: 'string' },
    threads: { type: 'string' },
    entries: { type: 'string' },
    requests: { type: 'string' },
    timeout: { type: 'string' },
    'count-statuses': { type: 'string' },
    loads: { type: 'string' },
    only: { type: 'string' },
    domain: { type: 'string' },
    password: { type: 'string' },
    'xcap-build': { type: 'string' },
    'xcap-node-args': { type: 'string' },
    'kamailio-workers': { type: 'string' },
    'redis-url': { type: 'string' },
    'nats-url': { type: 'string' },
    'kamailio-port': { type: 'string' },
    'xcap-port': { type: 'string' },
    'ops-port': { type: 'string' },
    'run-dir': { type: 'string' },
  },
  HELP,
);

const duration = intOpt(opt.duration, 'duration', 10);
const connections = intOpt(opt.connections, 'connections', 32);
const threads = intOpt(opt.threads, 'threads', 1);
if (threads > connections) die('--threads: at most --connections', 2);
const entries = intOpt(opt.entries, 'entries', 200);
const distinct = intOpt(opt.requests, 'requests', 4096);
const timeoutS = intOpt(opt.timeout, 'timeout', 5);
const loads: readonly LoadName[] = (({ both: ['get', 'put'], get: ['get'], put: ['put'] }) as const)[choiceOpt(opt.loads, 'loads', ['both', 'get', 'put'], 'both')];
const countStatuses = choiceOpt(opt['count-statuses'], 'count-statuses', ['put', 'all', 'none'], 'put');
const domain = opt.domain ?? '127.0.0.1';
const password = opt.password ?? 'secret';
const build = choiceOpt(opt['xcap-build'], 'xcap-build', ['dist', 'source'], 'dist');
const kamailioWorkers = intOpt(opt['kamailio-workers'], 'kamailio-workers', 2);
const { redisUrl, natsUrl } = backendSettings(opt);
const runDir = runDirOf(opt['run-dir'], 'xcap');
const servers = serversOf(opt.only);

const found = findTools({ wrk: true, kamailio: servers.includes('kamailio'), kamailioModules: ['xhttp', 'xcap_server', 'auth_db'] });
if (found.tools === undefined) die(`missing: ${found.missing.join(', ')}. Install with:\n  ${APT_LINE_XCAP}`, 2);
const tools: Tools = found.tools;

installCleanupHandlers();

const user: BenchUser = generateUsers(1, password)[0] as BenchUser;
const xui = `sip:${user.user}@${domain}`;
const docPath = documentPath(XCAP_ROOT, xui);

type LoadName = 'get' | 'put';

interface LoadResult {
  readonly wrk: WrkResult;
  readonly cpu: CpuReport;
}

interface ServerResult {
  readonly server: string;
  readonly description: string;
  readonly serverGroups: readonly string[];
  readonly loads: Partial<Record<LoadName, LoadResult>>;
  readonly notes: string[];
}

/** The server under test, started: how to reach it, whose CPU counts, how its document is seeded. */
interface Target {
  readonly server: 'kamailio' | 'platform';
  readonly description: string;
  readonly port: number;
  readonly groups: readonly CpuGroup[];
  readonly serverGroups: readonly string[];
  /** Puts the seeded document in place (the challenge is for the bench user). */
  seed(challenge: DigestChallenge): Promise<void>;
}

const f1 = (n: number): string => n.toFixed(1);
const pct = (n: number | undefined): string => (n === undefined ? 'n/a' : `${Math.round(n)}%`);
const ms = (us: number): string => (us / 1000).toFixed(us < 10_000 ? 2 : 1);

/** A fresh MD5 challenge from the server: an unauthenticated GET of the document must get a 401. */
async function challengeOf(port: number): Promise<DigestChallenge> {
  const a = await httpRequest(port, 'GET', docPath);
  const c = a.status === 401 ? md5Challenge(a) : undefined;
  if (c === undefined) throw new Error(`GET ${docPath} without credentials: expected 401 with an MD5 Digest challenge, got ${a.status} ${JSON.stringify(a.headers)}`);
  return c;
}

/** One request with credentials of its own (a high nc, away from the load's), outside wrk. */
async function authed(port: number, challenge: DigestChallenge, method: string, path: string, nc: number, body?: string, contentType?: string) {
  const authorization = digestAuthorization({ user: user.user, password: user.password, challenge, method, uri: path, nc });
  return httpRequest(port, method, path, { Authorization: authorization, ...(contentType === undefined ? {} : { 'Content-Type': contentType }) }, body);
}

/** One GET and one PUT of the load's own first requests, and the PUT read back: both servers must do what the load asks. */
async function probe(t: Target, challenge: DigestChallenge, gets: readonly XcapRequest[], puts: readonly XcapRequest[]): Promise<string | undefined> {
  const g = gets[0] as XcapRequest;
  const a = await httpRequest(t.port, g.method, g.path, requestHeaders(g));
  if (a.status !== 200 || !a.body.includes(entryUri(0))) return `element GET ${g.path}: expected 200 with entry ${entryUri(0)}, got ${a.status} ${a.body.slice(0, 300)}`;
  const p = puts[0] as XcapRequest;
  const b = await httpRequest(t.port, p.method, p.path, requestHeaders(p), p.body);
  if (b.status !== 200 && b.status !== 201) return `element PUT ${p.path}: expected 200 or 201, got ${b.status} ${b.body.slice(0, 300)}`;
  const c = await authed(t.port, challenge, 'GET', p.path, 0xfffff0);
  if (c.status !== 200 || !c.body.includes(p.body as string)) return `GET after the element PUT: expected 200 with ${p.body}, got ${c.status} ${c.body.slice(0, 300)}`;
  return undefined;
}

async function load(t: Target, name: LoadName, requestFile: string): Promise<LoadResult> {
  const run = await startWrk({
    wrk: tools.wrk as string,
    url: `http://127.0.0.1:${t.port}`,
    script: WRK_SCRIPT,
    requestFile,
    connections,
    threads,
    durationS: duration,
    timeoutS,
    countStatuses: countStatuses === 'all' || (countStatuses === 'put' && name === 'put'),
    logFile: join(runDir, 'results', `${t.server}-${name}.wrk.txt`),
  });
  const sampler = new CpuSampler([...t.groups, { name: 'wrk', pids: () => [run.process.pid], bounding: true }, { name: 'harness', pids: () => [process.pid] }]);
  sampler.start();
  let wrk: WrkResult;
  try {
    wrk = await run.result;
  } catch (err) {
    sampler.stop();
    throw err;
  }
  const cpu = sampler.stop();
  const sig = interruptedBy();
  if (sig !== undefined) throw new Error(`interrupted by ${sig}`);
  return { wrk, cpu };
}

/** Server-side CPU µs per successful request of a load. */
function cpuPerOkUs(r: ServerResult, l: LoadResult): number | undefined {
  const cpuS = (r.serverGroups.reduce((s, g) => s + (l.cpu.pct[g] ?? 0), 0) / 100) * l.cpu.windowS;
  const ok = l.wrk.okPerS * l.cpu.windowS;
  return ok > 0 ? (cpuS / ok) * 1e6 : undefined;
}

/** What "ok" means for a load: 2xx when wrk counted the statuses, else below 400. */
const st0 = (w: WrkResult): string => (Object.keys(w.statuses).length > 0 ? '2xx' : '< 400');

function formatLoad(r: ServerResult, name: LoadName, l: LoadResult): string {
  const w = l.wrk;
  const e = w.errors;
  const label = name === 'get' ? 'element GET' : 'element PUT';
  const lines = [
    `   ${label}: ${w.requests} responses in ${f1(w.durationS)} s${w.killed ? ' (wrk killed at its time limit)' : ''}, ok (${st0(w)}) ${w.ok} = ${f1(w.okPerS)}/s;` +
      ` errors: status>=400 ${e.status}, other non-2xx ${w.requests - e.status - w.ok}, connect ${e.connect}, read ${e.read}, write ${e.write}, timeout ${e.timeout}`,
    `      latency (wrk, per request): p50 ${ms(w.latencyUs.p50)} p90 ${ms(w.latencyUs.p90)} p99 ${ms(w.latencyUs.p99)} max ${ms(w.latencyUs.max)} ms`,
  ];
  const st = Object.entries(w.statuses);
  if (st.length > 0) lines.push(`      statuses: ${st.map(([c, n]) => `${c}=${n}`).join(' ')}`);
  const groups = Object.keys(l.cpu.pct)
    .filter((g) => g !== 'harness')
    .map((g) => `${g}=${pct(l.cpu.pct[g])}`)
    .join(' ');
  lines.push(`      CPU (% of one core over ${f1(l.cpu.windowS)} s): ${groups} | harness=${pct(l.cpu.pct.harness)} rest of machine≈${pct(l.cpu.restOfMachinePct)} (${l.cpu.cores} cores)`);
  const per = cpuPerOkUs(r, l);
  if (per !== undefined) lines.push(`      server-side CPU per ok request: ${f1(per)} µs (${r.serverGroups.join(' + ')})`);
  if (l.cpu.restOfMachinePct > 25) lines.push(`      warning: other processes used ${pct(l.cpu.restOfMachinePct)} of a core meanwhile: the rates are lower and noisier than on an idle machine`);
  return lines.join('\n');
}

/** Seeds, probes and loads one started server. */
async function measure(t: Target): Promise<ServerResult> {
  const challenge = await challengeOf(t.port);
  await t.seed(challenge);
  const w = { user: user.user, password: user.password, challenge: await challengeOf(t.port), docPath, entries, count: distinct };
  const gets = elementGets(w);
  const puts = elementPuts(w);
  const files = { get: join(runDir, `${t.server}-get.requests`), put: join(runDir, `${t.server}-put.requests`) };
  writeRequestFile(files.get, gets);
  writeRequestFile(files.put, puts);
  const bad = await probe(t, w.challenge, gets, puts);
  if (bad !== undefined) throw new Error(`the probe failed: ${bad}`);
  const r: ServerResult = { server: t.server, description: t.description, serverGroups: t.serverGroups, loads: {}, notes: [] };
  console.log(`${t.server}: ${t.description} (http://127.0.0.1:${t.port}${XCAP_ROOT})`);
  for (const name of loads) {
    const l = await load(t, name, files[name]);
    r.loads[name] = l;
    console.log(formatLoad(r, name, l));
  }
  // the document is still whole: every entry there once
  const after = await authed(t.port, w.challenge, 'GET', docPath, 0xfffff1);
  const n = (after.body.match(/<entry /g) ?? []).length;
  r.notes.push(`after the loads: GET of the document ${after.status}, ${n} entries (seeded ${entries})`);
  if (after.status !== 200 || n !== entries) r.notes.push('warning: the document is not what the PUTs should have left');
  for (const note of r.notes) console.log(`   ${note}`);
  return r;
}

async function runKamailio(ports: PortPicker): Promise<ServerResult> {
  const port = await ports.pick('kamailio-port', 5470, ['udp', 'tcp']);
  const kam = await startKamailio({
    ...kamailioPaths(tools),
    config: KAMAILIO_CFG,
    runDir: join(runDir, 'kamailio'),
    port,
    domain,
    users: [user],
    schemas: ['standard-create.sql', 'auth_db-create.sql', 'presence-create.sql'],
    // WAL: a worker that writes a document (xcaps_put) does not block the
    // other's reads (www_authorize's subscriber query, xcaps_get); in the
    // default rollback-journal mode those fail with "database is locked"
    // during PUTs and come back as 401s and 500s.
    sqlitePragmas: ['journal_mode=WAL'],
    defines: { TCP_CHILDREN: String(kamailioWorkers) },
  });
  try {
    const pid = kam.pid;
    return await measure({
      server: 'kamailio',
      description: `Kamailio ${kamailioVersion(tools.kamailio as string)} xcap_server with bench/kamailio/xcap.cfg (${kamailioWorkers} HTTP workers, SQLite), pid ${pid}`,
      port,
      groups: [{ name: 'server', pids: () => processTree(pid) }],
      serverGroups: ['server'],
      seed: async (challenge) => {
        // Kamailio hands the body to xcaps_put through a pseudo-variable
        // printed into an 8 KiB buffer: a document of many entries does not
        // pass. PUT an empty list over HTTP (Kamailio creates its row, ETag
        // and all), then put the seeded document into that row.
        const a = await authed(port, challenge, 'PUT', docPath, 0xfffff2, emptyResourceListsDocument(), DOCUMENT_CONTENT_TYPE);
        if (a.status !== 200 && a.status !== 201) throw new Error(`PUT of the empty document: ${a.status}`);
        const sqlFile = join(runDir, 'kamailio', 'seed.sql');
        const doc = resourceListsDocument(entries).replace(/'/g, "''");
        writeFileSync(sqlFile, `UPDATE xcap SET doc = CAST('${doc}' AS BLOB) WHERE doc_uri = '${docPath.replace(/'/g, "''")}';\nSELECT changes();\n`);
        const r = spawnSync(tools.sqlite3 as string, [kam.dbFile, `.read ${sqlFile}`], { encoding: 'utf8', timeout: 10_000 });
        if (r.status !== 0 || r.stdout.trim() !== '1') throw new Error(`seeding ${kam.dbFile}: ${r.stderr || r.stdout}`);
      },
    });
  } finally {
    await kam.stop();
  }
}

async function runPlatform(ports: PortPicker): Promise<ServerResult> {
  const port = await ports.pick('xcap-port', 5480, ['tcp']);
  const opsPort = await ports.pick('ops-port', 9360, ['tcp']);
  const backends = backendPids(natsUrl, redisUrl);
  if (backends.nats === undefined || backends.redis === undefined) throw new Error(`nats-server (${natsUrl}) or redis-server (${redisUrl}) is not running: start them first (the bench does not)`);
  const prov = await provisionUserStore(redisUrl, domain, [user]);
  console.log(`platform: user store ${redisUrl}: ${prov.added} added, ${prov.updated} password reset, ${prov.unchanged} already there`);
  if (build === 'dist') {
    // as production runs it: compiled JavaScript (turbo's cache makes this quick)
    const b = spawnSync('npx', ['turbo', 'run', 'build', '--filter=@simple/xcap...', '--output-logs=errors-only'], { cwd: REPO, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('the build of @simple/xcap failed');
  }
  const xcap = await startXcapServer({
    repoRoot: REPO,
    build,
    logFile: join(runDir, 'xcap.log'),
    port,
    opsPort,
    root: XCAP_ROOT,
    redisUrl,
    natsUrl,
    nodeArgs: (opt['xcap-node-args'] ?? '').split(/\s+/).filter((a) => a !== ''),
  });
  try {
    const pid = xcap.pid;
    const { nats, redis } = backends;
    return await measure({
      server: 'platform',
      description: `xcap (${xcap.command}, pid ${pid}) + nats-server pid ${nats} + redis-server pid ${redis}`,
      port,
      groups: [
        { name: 'server', pids: () => processTree(pid) },
        { name: 'nats-server', pids: () => [nats as number] },
        { name: 'redis-server', pids: () => [redis as number] },
      ],
      serverGroups: ['server', 'nats-server', 'redis-server'],
      seed: async (challenge) => {
        const a = await authed(port, challenge, 'PUT', docPath, 0xfffff2, resourceListsDocument(entries), DOCUMENT_CONTENT_TYPE);
        if (a.status !== 200 && a.status !== 201) throw new Error(`PUT of the seeded document: ${a.status} ${a.body.slice(0, 300)}`);
      },
    });
  } finally {
    await xcap.stop();
  }
}

function summaryOf(r: ServerResult): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, l] of Object.entries(r.loads)) {
    const per = cpuPerOkUs(r, l);
    out[name] = {
      requests: l.wrk.requests,
      ok: l.wrk.ok,
      ok_per_s: Number(l.wrk.okPerS.toFixed(1)),
      errors: l.wrk.errors,
      statuses: l.wrk.statuses,
      latency_ms: { p50: l.wrk.latencyUs.p50 / 1000, p90: l.wrk.latencyUs.p90 / 1000, p99: l.wrk.latencyUs.p99 / 1000, max: l.wrk.latencyUs.max / 1000 },
      cpu_pct: roundedPct(l.cpu.pct),
      rest_of_machine_pct: Math.round(l.cpu.restOfMachinePct),
      server_cpu_us_per_ok: per === undefined ? null : Number(per.toFixed(1)),
    };
  }
  return out;
}

function comparison(kam: ServerResult, ours: ServerResult): string {
  const rows: [string, string, string][] = [['', 'kamailio', 'platform']];
  for (const name of ['get', 'put'] as const) {
    const k = kam.loads[name];
    const o = ours.loads[name];
    if (k === undefined || o === undefined) continue;
    const N = name.toUpperCase();
    rows.push([`${N} ok/s`, f1(k.wrk.okPerS), f1(o.wrk.okPerS)]);
    const errs = (l: LoadResult): string => String(l.wrk.requests - l.wrk.ok + l.wrk.errors.connect + l.wrk.errors.read + l.wrk.errors.write + l.wrk.errors.timeout);
    rows.push([`${N} errors`, errs(k), errs(o)]);
    rows.push([`${N} latency p50 / p99 ms`, `${ms(k.wrk.latencyUs.p50)} / ${ms(k.wrk.latencyUs.p99)}`, `${ms(o.wrk.latencyUs.p50)} / ${ms(o.wrk.latencyUs.p99)}`]);
    rows.push([`${N} CPU server process(es)`, pct(k.cpu.pct.server), pct(o.cpu.pct.server)]);
    rows.push([`${N} CPU nats-server / redis`, '-', `${pct(o.cpu.pct['nats-server'])} / ${pct(o.cpu.pct['redis-server'])}`]);
    rows.push([`${N} CPU wrk`, pct(k.cpu.pct.wrk), pct(o.cpu.pct.wrk)]);
    const kc = cpuPerOkUs(kam, k);
    const oc = cpuPerOkUs(ours, o);
    rows.push([`${N} server-side CPU µs/ok`, kc === undefined ? 'n/a' : f1(kc), oc === undefined ? 'n/a' : f1(oc)]);
  }
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]?.length ?? 0)));
  return rows.map(([a, b, c]) => `   ${a.padEnd(w[0] as number)}  ${b.padStart(w[1] as number)}  ${c.padStart(w[2] as number)}`).join('\n');
}

/** ours / Kamailio's ok/s of one load; undefined when either is missing or Kamailio had none. */
function loadRatio(kam: ServerResult, ours: ServerResult, name: LoadName): number | undefined {
  const k = kam.loads[name]?.wrk.okPerS;
  const o = ours.loads[name]?.wrk.okPerS;
  return k === undefined || o === undefined || k <= 0 ? undefined : o / k;
}

async function main(): Promise<number> {
  mkdirSync(join(runDir, 'results'), { recursive: true });
  const ports = new PortPicker(opt);
  console.log(
    `xcap: element GET, then element PUT, of entries of ${docPath} (resource-lists, ${entries} entries), HTTP Digest MD5 qop=auth on every request;` +
      ` wrk ${threads} thread(s), ${connections} keep-alive connections, ${duration} s per load; files in ${runDir}`,
  );
  const results = new Map<string, ServerResult>();
  let failures = 0;
  for (const server of servers) {
    try {
      results.set(server, server === 'kamailio' ? await runKamailio(ports) : await runPlatform(ports));
    } catch (err) {
      if (interruptedBy() !== undefined) throw err;
      console.error(`${server}: ${(err as Error).message}`);
      failures++;
    }
  }
  const summary: Record<string, unknown> = { date: new Date().toISOString(), bench: 'xcap', duration, connections, threads, entries, domain };
  for (const [name, r] of results) summary[name] = summaryOf(r);
  const kam = results.get('kamailio');
  const ours = results.get('platform');
  if (kam !== undefined && ours !== undefined) {
    const g = loadRatio(kam, ours, 'get');
    const p = loadRatio(kam, ours, 'put');
    const x = g === undefined || p === undefined ? undefined : Math.sqrt(g * p);
    summary.ratio_get = g === undefined ? null : Number(g.toFixed(2));
    summary.ratio_put = p === undefined ? null : Number(p.toFixed(2));
    summary.ratio = x === undefined ? null : Number(x.toFixed(2));
    console.log('\ncomparison (same machine, same load shape, one after the other; ok = 2xx, or < 400 where statuses were not counted):');
    console.log(comparison(kam, ours));
    const s = (v: number | undefined): string => (v === undefined ? 'n/a' : v.toFixed(2));
    console.log(`ratio get: ${s(g)} (element GET ok/s, ours / Kamailio's)`);
    console.log(`ratio put: ${s(p)} (element PUT ok/s, ours / Kamailio's)`);
    console.log(`ratio xcap: ${s(x)}`);
  }
  if (results.size > 0) appendFileSync(join(runDir, 'summary.jsonl'), JSON.stringify(summary) + '\n');
  return failures > 0 ? 1 : 0;
}

runBench('xcap', main);
