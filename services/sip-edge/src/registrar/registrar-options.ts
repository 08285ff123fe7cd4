import type { Cluster, Redis } from 'ioredis';
import { systemWallClock, type WallClock } from '@simple/location';

// The wall clock moved to @simple/location with the binding store; re-exported for the registrar.
export { systemWallClock, type WallClock };

/** What the registrar needs; every number in seconds unless named otherwise. */
export interface RegistrarOptions {
  /** A standalone client or a Cluster client: keys of one AOR share a hash tag. */
  readonly redis: Redis | Cluster;
  readonly clock?: WallClock;
  /** RFC 3261 §10.3 step 7: below this (and below one hour), 423 with Min-Expires. Default 60. */
  readonly minExpires?: number;
  /** Longer requests are shortened to this ("MAY choose an expiration less than the requested"). Default 3600. */
  readonly maxExpires?: number;
  /** Used when neither the Contact nor the request gives an expiry. Default 3600. */
  readonly defaultExpires?: number;
  /**
   * Flow-Timer (RFC 5626 §4.4.1, §5.4, §6) answered to an Outbound REGISTER
   * that arrived directly over a connection-oriented flow: the keep-alive
   * interval the edge expects. Default 120.
   */
  readonly flowTimer?: number;
  /**
   * RFC 3327 §5.3: a Path in a REGISTER whose UA did not list "path" in
   * Supported is refused with 420 (the recommended policy) unless this is
   * true. Default false.
   */
  readonly acceptPathWithoutSupport?: boolean;
  /** How long a bindings hash outlives its last binding (ms), so that a sweeper can still read what lapsed. Default 60 000. */
  readonly keyGraceMs?: number;
  /**
   * The domains this registrar keeps bindings for (RFC 3261 §10.3 steps 1
   * and 5), given lower-case; may answer from a store.
   */
  isLocalDomain(domain: string): boolean | Promise<boolean>;
}

/** The options with defaults applied, checked once and frozen. */
export interface RegistrarSettings {
  readonly minExpires: number;
  readonly maxExpires: number;
  readonly defaultExpires: number;
  readonly flowTimer: number;
  readonly acceptPathWithoutSupport: boolean;
  readonly keyGraceMs: number;
}

function positiveInt(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`Registrar: ${name} must be a positive integer, got ${value}`);
  return value;
}

export function registrarSettings(o: RegistrarOptions): RegistrarSettings {
  const minExpires = positiveInt('minExpires', o.minExpires ?? 60);
  const maxExpires = positiveInt('maxExpires', o.maxExpires ?? 3600);
  const defaultExpires = positiveInt('defaultExpires', o.defaultExpires ?? 3600);
  if (minExpires > maxExpires) throw new RangeError(`Registrar: minExpires (${minExpires}) exceeds maxExpires (${maxExpires})`);
  if (defaultExpires < minExpires) throw new RangeError(`Registrar: defaultExpires (${defaultExpires}) is below minExpires (${minExpires})`);
  return Object.freeze({
    minExpires,
    maxExpires,
    defaultExpires,
    flowTimer: positiveInt('flowTimer', o.flowTimer ?? 120),
    acceptPathWithoutSupport: o.acceptPathWithoutSupport ?? false,
    keyGraceMs: positiveInt('keyGraceMs', o.keyGraceMs ?? 60_000),
  });
}
