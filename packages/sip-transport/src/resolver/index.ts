// Public surface of the RFC 3263 resolver: client side (§4) and sent-by of responses (§5).
export { SipResolver, type SipResolverOptions, type ResolverCacheOptions } from './sip-resolver.js';
export {
  TARGET_TRANSPORTS,
  isTargetTransport,
  type TargetTransport,
  type ResolveTarget,
  type ResolvedTarget,
} from './resolve-target.js';
export { ResolveError, RESOLVE_ERROR_CODES, type ResolveErrorCode, type ResolveResult } from './resolve-error.js';
export type { StaticOverride, StaticOverrides, StaticTarget } from './static-overrides.js';
export { orderSrvRecords, type SrvRecordLike, type RandomSource } from './order-srv-records.js';
export type { DnsQueryResolver } from './cached-dns.js';
