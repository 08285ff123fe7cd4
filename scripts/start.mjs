#!/usr/bin/env node
// `npm start`: the whole platform on this machine.
// 1. NATS and Redis: used where they answer on 127.0.0.1 (4222, 6379); otherwise
//    started from the machine's binaries by scripts/ensure-backends.sh.
// 2. Builds the workspaces (turbo, cached), then runs every service that exists,
//    each as its own process, with one-machine defaults (override any SIMPLE_* variable).
// 3. Prints where everything listens and how to add a user and register a client.
// Ctrl-C (SIGINT) or SIGTERM drains every service and exits.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './ensure-deps.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const runDir = process.env.SIMPLE_RUN_DIR ?? join(process.env.TMPDIR ?? '/tmp', 'simple-platform');
mkdirSync(runDir, { recursive: true });

function step(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, SIMPLE_RUN_DIR: runDir } });
  if (r.status !== 0) {
    console.error(`start: ${what} failed`);
    process.exit(1);
  }
}

ensureDeps(root);
step('bash', ['scripts/ensure-backends.sh'], 'starting NATS and Redis');
step('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], 'building the workspaces');

// One secret for digest nonces, kept across restarts so that clients' nonces stay valid.
const secretFile = join(runDir, 'auth-secret');
if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
const adminTokenFile = join(runDir, 'admin-token');
if (!existsSync(adminTokenFile)) writeFileSync(adminTokenFile, randomBytes(24).toString('hex'), { mode: 0o600 });
// The XCAP gRPC read API's token, shared by the XCAP server and its callers (services/xcap/README.md).
const grpcTokenFile = join(runDir, 'xcap-grpc-token');
if (!existsSync(grpcTokenFile)) writeFileSync(grpcTokenFile, randomBytes(24).toString('hex'), { mode: 0o600 });
const grpcToken = readFileSync(grpcTokenFile, 'utf8').trim();

const shared = {
  SIMPLE_AUTH_SECRET: readFileSync(secretFile, 'utf8').trim(),
  SIMPLE_ADMIN_TOKEN: readFileSync(adminTokenFile, 'utf8').trim(),
  SIMPLE_NATS_URL: 'nats://127.0.0.1:4222',
  SIMPLE_REDIS_URL: 'redis://127.0.0.1:6379',
};

/** Every service that exists, with its entry point and one-machine defaults. */
const services = [
  { name: 'sip-edge', main: 'services/sip-edge/dist/main.js', env: { SIMPLE_OPS_PORT: '9060' } },
  { name: 'provisioning', main: 'services/provisioning/dist/main.js', env: { SIMPLE_OPS_PORT: '9061' } },
  { name: 'message-router', main: 'services/message-router/dist/main.js', env: { SIMPLE_OPS_PORT: '9062' } },
  { name: 'presence', main: 'services/presence/dist/main.js', env: { SIMPLE_OPS_PORT: '9063' } },
  // The gRPC read API has no authentication: it stays on the loopback here (services/xcap/README.md).
  {
    name: 'xcap',
    main: 'services/xcap/dist/main.js',
    env: { SIMPLE_OPS_PORT: '9064', SIMPLE_XCAP_GRPC_LISTEN: '127.0.0.1', SIMPLE_XCAP_GRPC_PORT: '50051', SIMPLE_XCAP_GRPC_TOKEN: grpcToken },
  },
  {
    name: 'xcap-diff',
    main: 'services/xcap-diff/dist/main.js',
    env: {
      SIMPLE_OPS_PORT: '9065',
      SIMPLE_XCAP_DIFF_XCAP_ROOT: `http://127.0.0.1:${process.env.SIMPLE_XCAP_PORT ?? '8080'}/xcap-root/`,
      SIMPLE_XCAP_DIFF_XCAP_GRPC: '127.0.0.1:50051',
      SIMPLE_XCAP_DIFF_XCAP_GRPC_TOKEN: grpcToken,
    },
  },
].filter((s) => existsSync(join(root, s.main)));

const children = [];
let stopping = false;
for (const s of services) {
  const child = spawn(process.execPath, [s.main], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...shared, ...s.env, ...process.env },
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`start: ${s.name} exited (${signal ?? code}); stopping the platform`);
      stop(1);
    }
  });
  children.push(child);
}

function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  const deadline = setTimeout(() => process.exit(code), 15_000);
  deadline.unref();
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.on('exit', r))))).then(() => process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

const sipPort = process.env.SIMPLE_SIP_UDP_PORT ?? '5060';
const wsPort = process.env.SIMPLE_SIP_WS_PORT ?? '5066';
const adminPort = process.env.SIMPLE_ADMIN_PORT ?? '8081';
console.log(`
SIMPLE platform starting (${services.map((s) => s.name).join(', ')}); runtime files in ${runDir}
  SIP        udp and tcp on port ${sipPort}, ws on port ${wsPort} (tls/wss when SIMPLE_TLS_CERT_FILE/KEY_FILE are set)
  admin API  http://127.0.0.1:${adminPort} (token in ${adminTokenFile})
  XCAP       http://127.0.0.1:${process.env.SIMPLE_XCAP_PORT ?? '8080'}/xcap-root (HTTP digest, the users' SIP passwords)
  XCAP gRPC  127.0.0.1:50051 (simple.xcap.v1.XcapDocuments, for the other services)
  metrics    http://127.0.0.1:9060/metrics (sip-edge), :9061 (provisioning), :9062 (message-router), :9063 (presence), :9064 (xcap), :9065 (xcap-diff)
Add a domain and a user, then register a client (here sipsak; any SIP phone works the same way):
  npm run simplectl -- domain add 127.0.0.1
  npm run simplectl -- user add alice@127.0.0.1 --password secret
  sipsak -U -C sip:alice@127.0.0.1:5070 -s sip:alice@127.0.0.1:${sipPort} -H 127.0.0.1 -l 5070 -S -u alice -a secret -x 3600
  (a phone: user alice, domain 127.0.0.1 or this host's address, password secret, proxy <this host>:${sipPort})
Stop with Ctrl-C.
`);
