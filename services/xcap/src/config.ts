import { env, loadConfig } from '@simple/platform';
import { z } from 'zod';

/** The XCAP server's settings (README: services/xcap). */
export const XcapEnv = z.object({
  SIMPLE_XCAP_LISTEN: env.str('0.0.0.0'),
  SIMPLE_XCAP_PORT: env.port(8080),
  /**
   * The gRPC read API (proto/simple/xcap/v1/xcap_documents.proto) for the platform's other
   * services. It reads every user's documents (RFC 4826 §4.4.9: the global rls-services index
   * only for "trusted elements"), so it listens on the loopback unless told otherwise, and
   * then only with a token its callers send (`authorization: Bearer <token>`).
   */
  SIMPLE_XCAP_GRPC_LISTEN: env.str('127.0.0.1'),
  SIMPLE_XCAP_GRPC_PORT: env.port(50051),
  SIMPLE_XCAP_GRPC_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /** RFC 4825 §6.1: the path of the XCAP root ("/" for the host's root, kept as ''). */
  SIMPLE_XCAP_ROOT: z
    .string()
    .default('/xcap-root')
    .refine((v) => v === '/' || (v.startsWith('/') && !v.endsWith('/')), 'must be "/" or start with "/" and not end with "/"')
    .transform((v) => (v === '/' ? '' : v)),
  /** Largest request body, bytes. */
  SIMPLE_XCAP_MAX_BYTES: env.int(1 << 20, 1024, 16 << 20),
  /** Parsed documents kept in memory by ETag, so that element reads do not parse (0: none). */
  SIMPLE_XCAP_PARSED_CACHE_ENTRIES: env.int(1000, 0, 1_000_000),
  /** ... and their text together, bytes (a parsed document takes some 30 times its text in heap). */
  SIMPLE_XCAP_PARSED_CACHE_BYTES: env.int(8 << 20, 0, 1 << 30),
  /** How long a domain's realm and a user's HA1 are reused for digest checks (ms; 0: read every time). */
  SIMPLE_XCAP_AUTH_CACHE_MS: env.int(5_000, 0, 600_000),
  SIMPLE_REDIS_URL: env.str('redis://127.0.0.1:6379'),
  SIMPLE_NATS_URL: env.str('nats://127.0.0.1:4222'),
  SIMPLE_OPS_LISTEN: env.str('0.0.0.0'),
  SIMPLE_OPS_PORT: env.port(9068),
  SIMPLE_LOG_LEVEL: env.logLevel(),
}).superRefine((c, ctx) => {
  if (c.SIMPLE_XCAP_GRPC_TOKEN === undefined && !isLoopback(c.SIMPLE_XCAP_GRPC_LISTEN)) {
    ctx.addIssue({ code: 'custom', path: ['SIMPLE_XCAP_GRPC_TOKEN'], message: `required when SIMPLE_XCAP_GRPC_LISTEN (${c.SIMPLE_XCAP_GRPC_LISTEN}) is not a loopback address` });
  }
});

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export type XcapConfig = Readonly<z.infer<typeof XcapEnv>>;

export function readXcapConfig(source: Readonly<Record<string, string | undefined>> = process.env): XcapConfig {
  return loadConfig(XcapEnv, source);
}
