import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { toolAvailable } from './tool-available.js';

/** Whether baresip (Debian package baresip) is installed. */
export function baresipAvailable(): boolean {
  return toolAvailable('baresip');
}

export interface BaresipAccount {
  readonly user: string;
  readonly domain: string;
  readonly password: string;
  /** host:port of the sip-edge: every request goes there (outbound proxy). */
  readonly edge: string;
  /** Users of the same domain in the contacts file; the `message` command goes to the current one. */
  readonly contacts: readonly string[];
  /**
   * Presence too: the `presence` module, PUBLISH of its own state, and a
   * SUBSCRIBE to every contact (`;presence=p2p`). Default false.
   */
  readonly presence?: boolean;
}

const MODULES = '/usr/lib/baresip/modules';

/**
 * One baresip 1.0 user agent as a process: its own HOME with `.baresip/config`
 * (no audio device, SIP on 127.0.0.1 only, the `contact` and `ctrl_tcp`
 * modules, and `presence` when asked), `accounts` (digest credentials, the
 * edge as outbound proxy, REGISTER, PUBLISH with presence) and `contacts`. `-s` puts the SIP trace in its
 * output: incoming MESSAGEs show up only there. Its lifetime is bounded
 * twice: baresip's own `-t` and a SIGKILL timer here.
 */
export class Baresip {
  private out = '';
  private readonly exited: Promise<void>;
  private constructor(
    private readonly child: ChildProcess,
    readonly ctrlPort: number,
    private readonly killer: NodeJS.Timeout,
  ) {
    child.stdout?.on('data', (d: Buffer) => (this.out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.out += d.toString()));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /**
   * Starts baresip and waits until it is ready. Its ports come from
   * freePortPair(), free when checked but not reserved: when another process
   * took one meanwhile, baresip exits ("Address already in use"), and it is
   * started again on other ports (three tries).
   */
  static async start(home: string, a: BaresipAccount, lifetimeSec: number): Promise<Baresip> {
    for (let attempt = 1; ; attempt++) {
      const ua = await Baresip.spawn(home, a, lifetimeSec);
      try {
        await ua.waitFor(/baresip is ready\./, 30_000);
        return ua;
      } catch (e) {
        await ua.stop();
        if (attempt >= 3 || !/Address already in use/.test(ua.output())) throw e;
      }
    }
  }

  private static async spawn(home: string, a: BaresipAccount, lifetimeSec: number): Promise<Baresip> {
    const sipPort = await freePortPair();
    const ctrlPort = await freePort();
    const dir = join(home, '.baresip');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'config'),
      [
        'poll_method\t\tepoll',
        `sip_listen\t\t127.0.0.1:${sipPort}`,
        'audio_player\t\taufile,/dev/null',
        'audio_source\t\tausine,440',
        'audio_alert\t\taufile,/dev/null',
        'net_interface\t\t127.0.0.1',
        `module_path\t\t${MODULES}`,
        'module\t\t\tg711.so',
        'module\t\t\tausine.so',
        'module\t\t\taufile.so',
        'module_tmp\t\tuuid.so',
        'module_tmp\t\taccount.so',
        'module_app\t\tcontact.so',
        ...(a.presence === true ? ['module_app\t\tpresence.so'] : []),
        'module_app\t\tmenu.so',
        'module_app\t\tctrl_tcp.so',
        `ctrl_tcp_listen\t\t127.0.0.1:${ctrlPort}`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'accounts'),
      `"${a.user}" <sip:${a.user}@${a.domain};transport=udp>;auth_user=${a.user};auth_pass=${a.password};` +
        `outbound="sip:${a.edge};transport=udp";regint=300;pubint=${a.presence === true ? 300 : 0};answermode=manual;audio_codecs=pcmu;medianat=;mwi=no\n`,
    );
    const p2p = a.presence === true ? ';presence=p2p' : '';
    writeFileSync(join(dir, 'contacts'), a.contacts.map((u) => `"${u}" <sip:${u}@${a.domain}>${p2p}\n`).join(''));
    const child = spawn('baresip', ['-f', dir, '-s', '-t', String(lifetimeSec)], {
      env: { ...process.env, HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), (lifetimeSec + 5) * 1000);
    return new Baresip(child, ctrlPort, killer);
  }

  /** Everything baresip printed (SIP trace included), without colour codes. */
  output(): string {
    return this.out.replace(/\x1b\[[;0-9]*m/g, '').replace(/\r/g, '');
  }

  /** Waits until the output matches `re`; throws with the output after `timeoutMs`. */
  async waitFor(re: RegExp, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!re.test(this.output())) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`baresip exited while waiting for ${re}:\n${this.output().slice(-6000)}`);
      if (Date.now() > deadline) throw new Error(`baresip: no ${re} within ${timeoutMs} ms:\n${this.output().slice(-6000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Sends one ctrl_tcp command (a netstring of JSON) and resolves with the netstring answering it. */
  async command(command: string, params = ''): Promise<string> {
    const token = String(Math.random()).slice(2);
    const js = JSON.stringify({ command, params, token });
    const sock: Socket = await new Promise((resolve, reject) => {
      const s = connect(this.ctrlPort, '127.0.0.1');
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    });
    try {
      return await new Promise<string>((resolve, reject) => {
        let buf = '';
        const t = setTimeout(() => reject(new Error(`ctrl_tcp: no answer to ${command}`)), 5_000);
        sock.on('data', (d: Buffer) => {
          buf += d.toString();
          for (;;) {
            const colon = buf.indexOf(':');
            if (colon < 0) return;
            const n = Number(buf.slice(0, colon));
            if (buf.length < colon + 1 + n + 1) return;
            const msg = buf.slice(colon + 1, colon + 1 + n);
            buf = buf.slice(colon + 1 + n + 1);
            if (msg.includes(`"token":"${token}"`)) {
              clearTimeout(t);
              resolve(msg);
              return;
            }
          }
        });
        sock.write(`${Buffer.byteLength(js)}:${js},`);
      });
    } finally {
      sock.destroy();
    }
  }

  /** `quit` over ctrl_tcp (un-PUBLISH, un-SUBSCRIBE, un-REGISTER), then SIGTERM, then SIGKILL. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      await this.command('quit').catch(() => undefined);
      const t1 = setTimeout(() => this.child.kill('SIGTERM'), 3_000);
      const t2 = setTimeout(() => this.child.kill('SIGKILL'), 6_000);
      await this.exited;
      clearTimeout(t1);
      clearTimeout(t2);
    }
    clearTimeout(this.killer);
  }
}

/** A free port p (UDP and TCP) with p+1 free too: baresip also binds TLS on the next port. */
async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = await freePort();
    if (p < 65535 && (await tcpFree(p + 1)) && (await udpFree(p))) return p;
  }
  throw new Error('no free port pair');
}

const tcpFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

const udpFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
