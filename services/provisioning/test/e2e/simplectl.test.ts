import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { freePort, startService, type ServiceProcess } from '@simple/testkit';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../../', import.meta.url));

describe('simplectl against the running provisioning service', () => {
  let svc: ServiceProcess;
  let env: Record<string, string>;
  const domain = `cli-${randomBytes(4).toString('hex')}.test`;
  const token = randomBytes(16).toString('hex');

  before(async () => {
    const adminPort = await freePort();
    svc = await startService('provisioning', { SIMPLE_ADMIN_TOKEN: token, SIMPLE_ADMIN_PORT: String(adminPort) }, await freePort());
    env = { ...process.env, SIMPLE_ADMIN_URL: `http://127.0.0.1:${adminPort}`, SIMPLE_ADMIN_TOKEN: token } as Record<string, string>;
  });
  after(async () => {
    await svc.stop();
  });

  const ctl = (...args: string[]) => run(process.execPath, ['--conditions=source', '--import', 'tsx', 'services/provisioning/src/cli.ts', ...args], { cwd: root, env });

  it('adds a domain and a user with a password, lists, removes', async () => {
    await ctl('domain', 'add', domain);
    const added = await ctl('user', 'add', `bob@${domain}`, '--password', 'hunter2');
    assert.equal(JSON.parse(added.stdout).aor, `bob@${domain}`);
    const list = await ctl('user', 'list', domain);
    assert.deepEqual(JSON.parse(list.stdout).users, [`bob@${domain}`]);
    await ctl('user', 'remove', `bob@${domain}`);
    await ctl('domain', 'remove', domain);
    const domains = await ctl('domain', 'list');
    assert.ok(!(JSON.parse(domains.stdout).domains as string[]).includes(domain));
  });

  it('a wrong token is refused with a clear message and a non-zero exit', async () => {
    await assert.rejects(
      run(process.execPath, ['--conditions=source', '--import', 'tsx', 'services/provisioning/src/cli.ts', 'domain', 'list'], { cwd: root, env: { ...env, SIMPLE_ADMIN_TOKEN: 'wrong-token-0000' } }),
      (e: { stderr?: string; code?: number }) => e.code === 1 && /401/.test(e.stderr ?? ''),
    );
  });
});
