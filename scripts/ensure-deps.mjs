// Installs the workspace's dependencies (npm ci, from the lockfile) when they are
// missing, so that `npm start` and `npm test` work on a fresh checkout as written.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

export function ensureDeps(root) {
  if (existsSync(join(root, 'node_modules', '.bin', 'turbo')) && existsSync(join(root, 'node_modules', '.bin', 'tsx'))) return;
  console.log('dependencies missing: running npm ci');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('npm ci failed');
    process.exit(1);
  }
}
