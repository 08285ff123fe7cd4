// Our XCAP server (services/xcap) for bench/xcap.bench.ts, on 127.0.0.1,
// against the NATS and Redis this machine already runs. Ready when its ops
// /readyz answers 200.
import { startNodeService, waitForHttp, type NodeService, type ServiceBuild } from './node-service-runner.js';

export interface XcapServerOptions {
  readonly repoRoot: string;
  /** "source": src/main.ts through tsx; "dist": the built dist/main.js (the default of the bench). */
  readonly build: ServiceBuild;
  readonly logFile: string;
  readonly port: number;
  readonly opsPort: number;
  /** The XCAP root path (RFC 4825 §6.1), "/xcap-root" as Kamailio's. */
  readonly root: string;
  readonly redisUrl: string;
  readonly natsUrl: string;
  readonly nodeArgs?: readonly string[];
  /** More SIMPLE_* settings (they win over the bench's). */
  readonly extraEnv?: Readonly<Record<string, string>>;
}

/** The XCAP server's environment for a bench run (services/xcap/src/config.ts). */
export function xcapEnv(o: XcapServerOptions): Record<string, string> {
  return {
    SIMPLE_XCAP_LISTEN: '127.0.0.1',
    SIMPLE_XCAP_PORT: String(o.port),
    SIMPLE_XCAP_ROOT: o.root,
    SIMPLE_OPS_LISTEN: '127.0.0.1',
    SIMPLE_OPS_PORT: String(o.opsPort),
    SIMPLE_REDIS_URL: o.redisUrl,
    SIMPLE_NATS_URL: o.natsUrl,
    SIMPLE_LOG_LEVEL: 'warn',
    ...(o.extraEnv ?? {}),
  };
}

export async function startXcapServer(o: XcapServerOptions): Promise<NodeService> {
  return startNodeService({
    name: 'xcap',
    repoRoot: o.repoRoot,
    serviceDir: 'services/xcap',
    build: o.build,
    logFile: o.logFile,
    env: xcapEnv(o),
    nodeArgs: o.nodeArgs,
    ready: (proc) => waitForHttp(`http://127.0.0.1:${o.opsPort}/readyz`, proc, 45_000, 200),
  });
}
