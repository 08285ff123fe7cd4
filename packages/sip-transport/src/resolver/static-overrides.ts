import { RESOLVE_ERROR_CODES, ResolveError } from './resolve-error.js';
import { isTargetTransport, type ResolvedTarget, type TargetTransport } from './resolve-target.js';
import { normalizeDomainName, parseTargetHost } from './parse-target-host.js';

/** A fixed target of an override; `family` may be left out, it follows from the address. */
export interface StaticTarget {
  readonly transport: TargetTransport;
  readonly address: string;
  readonly port: number;
  readonly family?: 4 | 6;
}

/**
 * What the resolver answers for one domain name instead of asking DNS:
 * - `targets`: the whole answer for a TARGET of that name (no NAPTR, SRV, A or
 *   AAAA query), filtered to the URI's transport and scheme;
 * - `addresses`: the name's A and AAAA records, wherever the name is met (as the
 *   TARGET, or as the target of an SRV record). As TARGET it also stands for "no
 *   NAPTR and no SRV records", so the default transport and port apply.
 */
export type StaticOverride = { readonly targets: readonly StaticTarget[] } | { readonly addresses: readonly string[] };

/** Overrides by domain name (matched case-insensitively, trailing dot ignored). */
export type StaticOverrides = Readonly<Record<string, StaticOverride>> | ReadonlyMap<string, StaticOverride>;

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

export type CompiledOverride =
  | { readonly kind: 'targets'; readonly targets: readonly ResolvedTarget[] }
  | { readonly kind: 'addresses'; readonly addresses: readonly ResolvedAddress[] };

/** Checks an override table once, at start. Throws `ResolveError` `INVALID_CONFIG`. */
export function compileStaticOverrides(table: StaticOverrides | undefined): ReadonlyMap<string, CompiledOverride> {
  const compiled = new Map<string, CompiledOverride>();
  if (table === undefined) return compiled;
  const entries = table instanceof Map ? [...table.entries()] : Object.entries(table);
  for (const [key, override] of entries as [string, StaticOverride][]) {
    const name = normalizeDomainName(key);
    if (name === undefined || parseTargetHost(key)?.kind === 'ip') {
      throw invalid(`override key "${key}" is not a domain name`);
    }
    if (compiled.has(name)) throw invalid(`override for "${name}" is given twice`);
    if ('targets' in override) {
      compiled.set(name, { kind: 'targets', targets: Object.freeze(override.targets.map((t) => compileTarget(name, t))) });
    } else if ('addresses' in override) {
      compiled.set(name, {
        kind: 'addresses',
        addresses: Object.freeze(override.addresses.map((a) => compileAddress(name, a))),
      });
    } else {
      throw invalid(`override for "${name}" has neither targets nor addresses`);
    }
  }
  return compiled;
}

function compileAddress(name: string, raw: string): ResolvedAddress {
  const host = parseTargetHost(raw);
  if (host?.kind !== 'ip') throw invalid(`override for "${name}": "${raw}" is not an IP address`);
  return Object.freeze({ address: host.address, family: host.family });
}

function compileTarget(name: string, target: StaticTarget): ResolvedTarget {
  if (!isTargetTransport(target.transport)) {
    throw invalid(`override for "${name}": unknown transport "${String(target.transport)}"`);
  }
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) {
    throw invalid(`override for "${name}": port ${target.port} is out of range`);
  }
  const { address, family } = compileAddress(name, target.address);
  if (target.family !== undefined && target.family !== family) {
    throw invalid(`override for "${name}": ${target.address} is not an IPv${target.family} address`);
  }
  return Object.freeze({ transport: target.transport, address, port: target.port, family });
}

function invalid(message: string): ResolveError {
  return new ResolveError(RESOLVE_ERROR_CODES.INVALID_CONFIG, message);
}
