// Test helpers: a hand-driven clock, a recording sink, certificates, waiting.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Flow, RawMessageSink } from '../src/index.js';

/** A clock that moves only when told to (the one every package's tests drive time with). */
export { FakeClock } from '@simple/clock';

/** A RawMessageSink that records what it gets and lets a test wait for it. */
export class RecordingSink implements RawMessageSink {
  readonly messages: Array<{ data: Buffer; flow: Flow }> = [];
  readonly closed: Flow[] = [];
  private waiters: Array<() => void> = [];

  onData(data: Buffer, flow: Flow): void {
    this.messages.push({ data, flow });
    this.wake();
  }

  onFlowClosed(flow: Flow): void {
    this.closed.push(flow);
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves once `predicate` holds, or rejects after `ms`. */
  async until(predicate: () => boolean, ms = 3000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

/** Polls `predicate` until it holds or `ms` passes. */
export async function eventually(predicate: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface TestCertificate {
  readonly key: Buffer;
  readonly cert: Buffer;
  /** Removes the temporary directory. */
  dispose(): void;
}

/** A self-signed certificate for 127.0.0.1 and localhost, made with the openssl CLI in a temporary directory. */
export function makeCertificate(): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'sip-transport-tls-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  const key = readFileSync(keyPath);
  const cert = readFileSync(certPath);
  return { key, cert, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A minimal well-formed SIP request. */
export function sipRequest(opts: { method?: string; body?: string; via?: string; extraHeaders?: string[]; branch?: string } = {}): string {
  const method = opts.method ?? 'OPTIONS';
  const body = opts.body ?? '';
  const via = opts.via ?? `SIP/2.0/UDP 192.0.2.1:5060;branch=${opts.branch ?? 'z9hG4bK776asdhds'}`;
  return [
    `${method} sip:bob@example.com SIP/2.0`,
    `Via: ${via}`,
    'Max-Forwards: 70',
    'To: Bob <sip:bob@example.com>',
    'From: Alice <sip:alice@example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710@pc33.example.com',
    `CSeq: 314159 ${method}`,
    ...(opts.extraHeaders ?? []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}
