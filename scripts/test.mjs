#!/usr/bin/env node
// `npm test`: NATS and Redis up (scripts/ensure-backends.sh), type-check and
// lint every workspace (turbo), type-check the benchmarks, then every *.test.ts
// in one node:test run (scripts/run-tests.mjs).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './ensure-deps.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
ensureDeps(root);
for (const [cmd, args] of [
  // The integration tests use the real NATS and Redis: start them when absent.
  ['bash', ['scripts/ensure-backends.sh']],
  ['npx', ['turbo', 'run', 'type-check', 'lint']],
  ['npx', ['tsc', '-p', 'bench/tsconfig.json']],
  [process.execPath, ['scripts/run-tests.mjs', ...process.argv.slice(2)]],
]) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
