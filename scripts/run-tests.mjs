#!/usr/bin/env node
// Runs every *.test.ts of the repository (or of one folder) in one node:test run,
// so that CI sees a single summary. Node 20's `--test` takes no globs, hence this.
//   node scripts/run-tests.mjs [--dir <folder>] [--unit] [--e2e]
// --unit skips tests under a `test/e2e/` folder; --e2e runs only those.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const args = process.argv.slice(2);
const dirArg = args.indexOf('--dir');
const base = dirArg >= 0 ? resolve(args[dirArg + 1]) : root;
const only = args.includes('--unit') ? 'unit' : args.includes('--e2e') ? 'e2e' : 'all';

/** @param {string} dir @returns {string[]} */
function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) out.push(...collect(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const files = collect(base)
  .filter((f) => {
    const e2e = f.includes(`${sep}e2e${sep}`);
    return only === 'all' || (only === 'e2e' ? e2e : !e2e);
  })
  .sort();
if (files.length === 0) {
  console.error(`no test files under ${relative(root, base) || '.'}`);
  process.exit(1);
}
const res = spawnSync(
  process.execPath,
  ['--conditions=source', '--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit', cwd: root },
);
process.exit(res.status ?? 1);
