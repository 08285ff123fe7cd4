import { env, loadConfig } from '@simple/platform';
import { z } from 'zod';

/** The xcap-diff notifier's settings (README: services/xcap-diff). */
export const XcapDiffEnv = z.object({
  /**
   * The XCAP root URI (RFC 4825 §6.1) of the XCAP server whose documents are watched: relative
   * entries of a SUBSCRIBE are resolved against it (RFC 5875 §4.4), and it is the `xcap-root`
   * of every xcap-diff document (RFC 5874 §3).
   */
  SIMPLE_XCAP_DIFF_XCAP_ROOT: z
    .url()
    .default('http://127.0.0.1:8080/xcap-root/')
    .transform((v) => (v.endsWith('/') ? v : `${v}/`)),
  /** The XCAP server's gRPC read API (`host:port`), where the documents and their versions are read. */
  SIMPLE_XCAP_DIFF_XCAP_GRPC: env.str('127.0.0.1:50051'),
  /** The XCAP server's SIMPLE_XCAP_GRPC_TOKEN, when it has one. */
  SIMPLE_XCAP_DIFF_XCAP_GRPC_TOKEN: z.string().min(1).optional(),
  /** RFC 5875 §4.10: at most one NOTIFY per subscription this often (SHOULD be at least 5 s). */
  SIMPLE_XCAP_DIFF_MIN_INTERVAL_MS: env.int(5_000, 0, 3_600_000),
  SIMPLE_XCAP_DIFF_MIN_EXPIRES: env.int(60, 0, 86_400),
  SIMPLE_XCAP_DIFF_MAX_EXPIRES: env.int(86_400, 1, 604_800),
  /** RFC 5875 §4.5: 3600 s. */
  SIMPLE_XCAP_DIFF_DEFAULT_EXPIRES: env.int(3_600, 1, 604_800),
  /** Entries of a SUBSCRIBE's list beyond this are ignored (each costs work on every change). */
  SIMPLE_XCAP_DIFF_MAX_ENTRIES: env.int(100, 1, 10_000),
  SIMPLE_XCAP_DIFF_NOTIFY_TIMEOUT_MS: env.int(34_000, 1_000, 120_000),
  /** How often one replica (under a lease) makes every subscription look at its list again, in case a change event was lost (ms; 0: never). */
  SIMPLE_XCAP_DIFF_RESYNC_INTERVAL_MS: env.int(300_000, 0, 86_400_000),
  SIMPLE_REDIS_URL: env.str('redis://127.0.0.1:6379'),
  SIMPLE_NATS_URL: env.str('nats://127.0.0.1:4222'),
  SIMPLE_OPS_LISTEN: env.str('0.0.0.0'),
  SIMPLE_OPS_PORT: env.port(9069),
  SIMPLE_LOG_LEVEL: env.logLevel(),
});

export type XcapDiffConfig = Readonly<z.infer<typeof XcapDiffEnv>>;

export function readXcapDiffConfig(source: Readonly<Record<string, string | undefined>> = process.env): XcapDiffConfig {
  return loadConfig(XcapDiffEnv, source);
}
