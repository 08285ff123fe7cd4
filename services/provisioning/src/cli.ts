#!/usr/bin/env node
// simplectl: provisioning from the command line, through the admin API.
//   simplectl domain add <domain> [--realm <realm>] | domain remove <domain> | domain list
//   simplectl user add <user@domain> --password <pw> | user passwd <user@domain> --password <pw>
//   simplectl user remove <user@domain> | user list <domain> | user show <user@domain>
// --password-stdin reads the password from standard input instead.
// Environment: SIMPLE_ADMIN_URL (default http://127.0.0.1:8081), SIMPLE_ADMIN_TOKEN
// (default: the file $SIMPLE_RUN_DIR/admin-token written by `npm start`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const USAGE = `usage: simplectl domain add <domain> [--realm R] | domain remove <domain> | domain list
       simplectl user add <aor> --password P | user passwd <aor> --password P | user remove <aor> | user list <domain> | user show <aor>
       (--password-stdin instead of --password reads it from standard input)`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function token(): string {
  const t = process.env.SIMPLE_ADMIN_TOKEN;
  if (t !== undefined && t !== '') return t;
  const file = join(process.env.SIMPLE_RUN_DIR ?? join(process.env.TMPDIR ?? '/tmp', 'simple-platform'), 'admin-token');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw new Error(`no admin token: set SIMPLE_ADMIN_TOKEN or start the platform (npm start writes ${file})`);
  }
}

async function password(args: string[]): Promise<string> {
  if (args.includes('--password-stdin')) {
    let s = '';
    for await (const chunk of process.stdin) s += String(chunk);
    return s.replace(/\r?\n$/, '');
  }
  const p = option(args, '--password');
  if (p === undefined) throw new Error('--password or --password-stdin is required');
  return p;
}

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const base = process.env.SIMPLE_ADMIN_URL ?? 'http://127.0.0.1:8081';
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token()}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data: unknown = text.length > 0 ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const d = data as { error?: string; message?: string } | undefined;
    throw new Error(`${res.status} ${d?.error ?? ''} ${d?.message ?? ''}`.trim());
  }
  return data;
}

const enc = encodeURIComponent;

async function run(args: string[]): Promise<unknown> {
  const [noun, verb, target] = args;
  switch (`${noun} ${verb}`) {
    case 'domain add': {
      const realm = option(args, '--realm');
      return call('PUT', `/v1/domains/${enc(target ?? '')}`, realm === undefined ? {} : { realm });
    }
    case 'domain remove':
      return call('DELETE', `/v1/domains/${enc(target ?? '')}`);
    case 'domain list':
      return call('GET', '/v1/domains');
    case 'user add':
      return call('PUT', `/v1/users/${enc(target ?? '')}`, { password: await password(args) });
    case 'user passwd':
      return call('POST', `/v1/users/${enc(target ?? '')}/password`, { password: await password(args) });
    case 'user remove':
      return call('DELETE', `/v1/users/${enc(target ?? '')}`);
    case 'user list':
      return call('GET', `/v1/domains/${enc(target ?? '')}/users`);
    case 'user show':
      return call('GET', `/v1/users/${enc(target ?? '')}`);
    default:
      throw new Error(USAGE);
  }
}

run(process.argv.slice(2)).then(
  (out) => {
    if (out !== undefined) console.log(JSON.stringify(out, null, 2));
    else console.log('ok');
  },
  (err: unknown) => {
    console.error(`simplectl: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
