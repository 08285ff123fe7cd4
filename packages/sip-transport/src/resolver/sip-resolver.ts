import { CANCELLED, CONNREFUSED, TIMEOUT, promises as dnsPromises, type SrvRecord } from 'node:dns';
import { CachedDns, type DnsAnswer, type DnsCachePolicy, type DnsQueryResolver } from './cached-dns.js';
import { orderSrvRecords, type RandomSource } from './order-srv-records.js';
import { parseTargetHost } from './parse-target-host.js';
import { RESOLVE_ERROR_CODES, ResolveError, type ResolveResult } from './resolve-error.js';
import { isTargetTransport, type ResolvedTarget, type ResolveTarget, type TargetTransport } from './resolve-target.js';
import { selectNaptrRecords } from './select-naptr-records.js';
import {
  compileStaticOverrides,
  type CompiledOverride,
  type ResolvedAddress,
  type StaticOverrides,
} from './static-overrides.js';
import { DEFAULT_PORTS, defaultTransport, isSecure, srvOwnerName, transportForParam } from './transport-table.js';

/** How long DNS answers are kept; every field has a default. */
export interface ResolverCacheOptions {
  /** Entries kept at most (one per name and record type); the least recently used goes. Default 1000. */
  readonly maxEntries?: number;
  /** Cap on any record's TTL, seconds. Default 300. */
  readonly maxTtlSeconds?: number;
  /** node:dns gives no TTL for NAPTR and SRV answers: they are kept this long, seconds. Default 60. */
  readonly naptrSrvTtlSeconds?: number;
  /** NXDOMAIN and no-data answers, seconds. Default 30. */
  readonly negativeTtlSeconds?: number;
}

export interface SipResolverOptions {
  /** A configured resolver (a `dns.promises.Resolver`, or anything with its four methods). */
  readonly resolver?: DnsQueryResolver;
  /** DNS servers (`'192.0.2.53'`, `'127.0.0.1:5353'`) for a resolver made here; not with `resolver`. */
  readonly servers?: readonly string[];
  /** Per-try timeout of a resolver made here, ms. Default 2000. */
  readonly timeoutMs?: number;
  /** Tries per server of a resolver made here. Default 2. */
  readonly tries?: number;
  /**
   * The transports this client supports, most preferred first. NAPTR records and
   * transport parameters outside it are refused, and when a domain has no NAPTR
   * records its SRV records are queried for these, in this order. Default
   * `['tls', 'tcp', 'udp']`.
   */
  readonly transports?: readonly TargetTransport[];
  /** Address records to query and their order in the result: A first by default (`[4, 6]`). */
  readonly families?: readonly (4 | 6)[];
  /** Names answered from this table instead of DNS (see `StaticOverride`). */
  readonly overrides?: StaticOverrides;
  /** Uniform in [0, 1), for RFC 2782 weighted selection. Default `Math.random`. */
  readonly random?: RandomSource;
  /** Cache of DNS answers; `false` turns it off. On by default. */
  readonly cache?: ResolverCacheOptions | false;
  /** Time source for the cache, ms. Default `Date`. */
  readonly clock?: { now(): number };
}

const DEFAULT_TRANSPORTS: readonly TargetTransport[] = ['tls', 'tcp', 'udp'];
const DEFAULT_CACHE: Required<ResolverCacheOptions> = {
  maxEntries: 1000,
  maxTtlSeconds: 300,
  naptrSrvTtlSeconds: 60,
  negativeTtlSeconds: 30,
};
/**
 * Failures that say no DNS server answered (not that one answered badly). A NAPTR
 * query that fails so ends the resolution; other failures (SERVFAIL, NOTIMP, which
 * some servers give for NAPTR alone) are taken as "no NAPTR records".
 */
const UNREACHABLE: ReadonlySet<string> = new Set([TIMEOUT, CONNREFUSED, CANCELLED]);
/** Bounds on the work one hostile answer can cause. */
const MAX_NAPTR_CHOICES = 8;
const MAX_SRV_RECORDS = 16;
const MAX_ADDRESSES_PER_NAME = 16;
/** Names whose A and AAAA records one resolution may ask for; the most preferred go first. */
const MAX_NAMES_PER_RESOLUTION = 32;

/**
 * The client side of RFC 3263 §4: turns a SIP or SIPS URI's host, port, transport
 * and maddr into an ordered list of (transport, address, port) to try in turn.
 * Run it once per transaction (RFC 3263 §4) and keep the list for failover (§4.3).
 */
export class SipResolver {
  readonly #dns: CachedDns;
  readonly #transports: readonly TargetTransport[];
  readonly #enabled: ReadonlySet<TargetTransport>;
  readonly #families: readonly (4 | 6)[];
  readonly #overrides: ReadonlyMap<string, CompiledOverride>;
  readonly #random: RandomSource;

  /** Throws `ResolveError` with code `INVALID_CONFIG` when an option is wrong. */
  constructor(options: SipResolverOptions = {}) {
    const transports = options.transports ?? DEFAULT_TRANSPORTS;
    for (const t of transports) {
      if (!isTargetTransport(t)) throw invalidConfig(`unknown transport "${String(t)}"`);
    }
    if (transports.length === 0) throw invalidConfig('no transport enabled');
    const families = options.families ?? [4, 6];
    if (families.length === 0 || families.some((f) => f !== 4 && f !== 6)) {
      throw invalidConfig('families must list 4, 6 or both');
    }
    if (options.resolver !== undefined && options.servers !== undefined) {
      throw invalidConfig('give either resolver or servers, not both');
    }
    this.#transports = Object.freeze([...new Set(transports)]);
    this.#enabled = new Set(transports);
    this.#families = Object.freeze([...new Set(families)]);
    this.#overrides = compileStaticOverrides(options.overrides);
    this.#random = options.random ?? Math.random;
    const clock = options.clock ?? Date;
    const policy: DnsCachePolicy | undefined =
      options.cache === false ? undefined : { ...DEFAULT_CACHE, ...options.cache };
    this.#dns = new CachedDns(options.resolver ?? makeResolver(options), policy, () => clock.now());
  }

  /** RFC 3263 §4. Never rejects: every failure is an `{ ok: false }` result. */
  async resolve(target: ResolveTarget): Promise<ResolveResult> {
    try {
      return await this.#resolve(target);
    } catch (cause: unknown) {
      // Not expected (DNS errors are answers by now); kept from escaping all the same.
      const error = new ResolveError(RESOLVE_ERROR_CODES.DNS_FAILURE, 'resolution failed unexpectedly', undefined, undefined, {
        cause,
      });
      return { ok: false, error };
    }
  }

  /**
   * RFC 3263 §5 (server usage): where to send a response when the connection or
   * address it was due on failed, from the top Via's sent-by and transport. "If it
   * contains a numeric IP address, the server attempts to send the response to that
   * address, using the transport protocol from the Via header, and the port from
   * sent-by, if present, else the default for that transport protocol." With a name
   * and a port, A/AAAA records; with a name alone, SRV records "using the service
   * identifier "_sips" if the Via transport is "TLS", "_sip" otherwise". That is the
   * §4 procedure for a URI with an explicit transport, which this runs.
   */
  resolveSentBy(sentBy: { readonly host: string; readonly port?: number; readonly transport: string }): Promise<ResolveResult> {
    // RFC 3263 §5: "The transport protocol in the Via header can indicate "TLS",
    // which refers to TLS over TCP."
    return this.resolve({ scheme: 'sip', host: sentBy.host, port: sentBy.port, transport: sentBy.transport.toLowerCase() });
  }

  async #resolve(target: ResolveTarget): Promise<ResolveResult> {
    const { scheme, port } = target;
    if (scheme !== 'sip' && scheme !== 'sips') return failure('INVALID_TARGET', `unknown scheme "${String(scheme)}"`);
    if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
      return failure('INVALID_TARGET', `port ${port} is out of range`);
    }
    // RFC 3263 §4: "We define TARGET as the value of the maddr parameter of the URI,
    // if present, otherwise, the host value of the hostport component of the URI."
    const raw = target.maddr !== undefined && target.maddr !== '' ? target.maddr : target.host;
    const host = parseTargetHost(raw);
    if (host === undefined) return failure('INVALID_TARGET', `"${raw}" is not a host name or IP address`, raw);

    // RFC 3263 §4.1: "If the URI specifies a transport protocol in the transport
    // parameter, that transport protocol SHOULD be used."
    let explicit: TargetTransport | undefined;
    if (target.transport !== undefined) {
      explicit = transportForParam(scheme, target.transport);
      if (explicit === undefined || !this.#enabled.has(explicit)) {
        return failure('UNSUPPORTED_TRANSPORT', `transport "${target.transport}" is not usable for ${scheme}:`, raw);
      }
    }

    // The transport used when neither NAPTR nor SRV records choose one: the explicit
    // one, else RFC 3263 §4.1 "UDP for a SIP URI, and TCP for a SIPS URI" (see
    // defaultTransport). Without one, no branch below can produce a target.
    const plain = explicit ?? defaultTransport(scheme, this.#enabled);
    if (plain === undefined) return failure('UNSUPPORTED_TRANSPORT', `no enabled transport can carry ${scheme}:`, raw);

    if (host.kind === 'ip') {
      // RFC 3263 §4.1: "if no transport protocol is specified, but the TARGET is a
      // numeric IP address, the client SHOULD use UDP for a SIP URI, and TCP for a
      // SIPS URI." (plain)
      // RFC 3263 §4.2: "If TARGET is a numeric IP address, the client uses that
      // address. If the URI also contains a port, it uses that port. If no port is
      // specified, it uses the default port for the particular transport protocol."
      const resolved: ResolvedTarget = {
        transport: plain,
        address: host.address,
        port: port ?? DEFAULT_PORTS[plain],
        family: host.family,
      };
      return { ok: true, value: [resolved] };
    }

    const name = host.name;
    const override = this.#overrides.get(name);
    if (override?.kind === 'targets') return this.#fromStaticTargets(name, override.targets, scheme, explicit, port);
    const run = new Resolution(name);

    if (port !== undefined) {
      // RFC 3263 §4.1: "if no transport protocol is specified, and the TARGET is not
      // numeric, but an explicit port is provided, the client SHOULD use UDP for a SIP
      // URI, and TCP for a SIPS URI."
      // RFC 3263 §4.2: "If the TARGET was not a numeric IP address, but a port is
      // present in the URI, the client performs an A or AAAA record lookup of the
      // domain name."
      return run.finish(await this.#addressTargets(run, name, plain, port, true));
    }

    if (override?.kind === 'addresses') {
      // A name with fixed addresses has no NAPTR or SRV records: RFC 3263 §4.1 "If no
      // SRV records are found, the client SHOULD use TCP for a SIPS URI, and UDP for a
      // SIP URI", and §4.2 the default port of that transport.
      return run.finish(await this.#addressTargets(run, name, plain, DEFAULT_PORTS[plain], true));
    }

    if (explicit !== undefined) {
      // RFC 3263 §4.2: "If it was not, because a transport was specified explicitly,
      // the client performs an SRV query for that specific transport, using the
      // service identifier "_sips" for SIPS URIs. For a SIP URI, if the client wishes
      // to use TLS, it also uses the service identifier "_sips" for that specific
      // transport, otherwise, it uses "_sip"."
      return this.#srvOrAddresses(run, [{ transport: explicit, srvName: srvOwnerName(explicit, name) }], explicit);
    }

    // RFC 3263 §4.1: "Otherwise, if no transport protocol or port is specified, and
    // the target is not a numeric IP address, the client SHOULD perform a NAPTR query
    // for the domain in the URI."
    const naptr = await this.#dns.naptr(name);
    if (naptr.status === 'nxdomain') {
      // The domain does not exist, so neither do its SRV or address records.
      run.targetMissing();
      return run.finish([]);
    }
    run.note(naptr);
    if (naptr.status === 'failed' && UNREACHABLE.has(naptr.code)) {
      // No DNS server answers: the SRV and address queries would only time out in turn.
      return run.finish([]);
    }
    const choices =
      naptr.status === 'found'
        ? selectNaptrRecords(naptr.records, scheme, this.#enabled).slice(0, MAX_NAPTR_CHOICES)
        : [];
    const preferred = choices[0];
    if (preferred !== undefined) {
      // RFC 3263 §4.2: "the client performs an SRV query on the record returned from
      // the NAPTR processing of Section 4.1". Every usable NAPTR record is followed, in
      // order, so that the list fails over across the server's transports. Without
      // SRV records, A/AAAA with "the transport protocol determined previously": the
      // most preferred NAPTR's.
      return this.#srvOrAddresses(run, choices, preferred.transport);
    }

    // RFC 3263 §4.1: "If no NAPTR records are found, the client constructs SRV queries
    // for those transport protocols it supports, and does a query for each. Queries
    // are done using the service identifier "_sip" for SIP URIs and "_sips" for SIPS
    // URIs. A particular transport is supported if the query is successful." A SIP URI
    // may also use TLS ("_sips._tcp", §4.2); a SIPS URI only TLS or WSS. The results
    // go in this client's order of preference: "The client MAY use any transport
    // protocol it desires which is supported by the server." And "If no SRV records
    // are found, the client SHOULD use TCP for a SIPS URI, and UDP for a SIP URI."
    const services = this.#transports
      .filter((t) => scheme === 'sip' || isSecure(t))
      .map((transport) => ({ transport, srvName: srvOwnerName(transport, name) }));
    return this.#srvOrAddresses(run, services, plain);
  }

  /**
   * SRV queries for each (transport, SRV name), most preferred first; the targets of
   * every set found, in that order. RFC 3263 §4.2: "If the NAPTR processing was not
   * done because no NAPTR records were found, but an SRV query for a supported
   * transport protocol was successful, those SRV records are selected." And "If no
   * SRV records were found, the client performs an A or AAAA record lookup of the
   * domain name", with `fallback` at "the default port for that transport".
   */
  async #srvOrAddresses(
    run: Resolution,
    services: readonly { readonly transport: TargetTransport; readonly srvName: string }[],
    fallback: TargetTransport,
  ): Promise<ResolveResult> {
    const sets = await Promise.all(services.map((s) => this.#dns.srv(s.srvName)));
    sets.forEach((set) => run.note(set));
    if (sets.some((set) => set.status === 'found')) {
      const lists = await Promise.all(
        services.map((s, i) => {
          const set = sets[i];
          return set?.status === 'found' ? this.#srvTargets(run, set.records, s.transport) : [];
        }),
      );
      return run.finish(lists.flat());
    }
    return run.finish(await this.#addressTargets(run, run.target, fallback, DEFAULT_PORTS[fallback], true));
  }

  /** The targets of a `targets` override that fit the URI; an explicit port replaces theirs. */
  #fromStaticTargets(
    name: string,
    targets: readonly ResolvedTarget[],
    scheme: 'sip' | 'sips',
    explicit: TargetTransport | undefined,
    port: number | undefined,
  ): ResolveResult {
    const value = targets
      .filter(
        (t) =>
          this.#enabled.has(t.transport) &&
          (explicit === undefined || t.transport === explicit) &&
          // RFC 3261 §26.2.2: a SIPS URI is reached over TLS only.
          (scheme === 'sip' || isSecure(t.transport)),
      )
      .map((t) => ({ ...t, port: port ?? t.port }));
    if (value.length === 0) {
      return failure('NO_RECORDS', `the static targets of ${name} do not fit ${scheme}: with this transport`, name);
    }
    return { ok: true, value };
  }

  /**
   * RFC 2782 order of an SRV record set, then A and AAAA per target ("the procedures
   * of RFC 2782, as described in the section titled "Usage rules" are followed").
   */
  async #srvTargets(run: Resolution, records: readonly SrvRecord[], transport: TargetTransport): Promise<ResolvedTarget[]> {
    const ordered = orderSrvRecords(records, this.#random).slice(0, MAX_SRV_RECORDS);
    // RFC 2782: "A Target of "." means that the service is decidedly not available
    // at this domain." (node reports it as an empty name.)
    const usable = ordered.filter((r) => r.name !== '' && r.name !== '.');
    if (usable.length === 0) run.serviceUnavailable();
    const lists = await Promise.all(
      usable.map(async (r): Promise<ResolvedTarget[]> => {
        const host = parseTargetHost(r.name);
        if (host === undefined) return [];
        // An address where a name belongs (RFC 2782 wants a name); taken as it is.
        if (host.kind === 'ip') return [{ transport, address: host.address, port: r.port, family: host.family }];
        return this.#addressTargets(run, host.name, transport, r.port, false);
      }),
    );
    return lists.flat();
  }

  /** RFC 3263 §4.2: "an A or AAAA record lookup of the domain name", each address at `port`. */
  async #addressTargets(
    run: Resolution,
    name: string,
    transport: TargetTransport,
    port: number,
    isTarget: boolean,
  ): Promise<ResolvedTarget[]> {
    const addresses = await this.#addresses(run, name, isTarget);
    return addresses.map(({ address, family }) => ({ transport, address, port, family }));
  }

  async #addresses(run: Resolution, name: string, isTarget: boolean): Promise<readonly ResolvedAddress[]> {
    const override = this.#overrides.get(name);
    if (override?.kind === 'addresses') return override.addresses;
    if (!run.spendLookup()) return [];
    const answers = await Promise.all(this.#families.map((f) => this.#dns.addresses(name, f)));
    answers.forEach((a) => run.note(a));
    if (isTarget && answers.some((a) => a.status === 'nxdomain')) run.targetMissing();
    return answers.flatMap((answer, i) =>
      answer.status === 'found'
        ? answer.records
            .slice(0, MAX_ADDRESSES_PER_NAME)
            .map((address) => ({ address, family: this.#families[i] as 4 | 6 }))
        : [],
    );
  }
}

/**
 * What one resolution learnt on the way, to explain an empty list: whether the
 * TARGET domain does not exist, whether a query failed, whether the service is
 * declared unavailable.
 */
class Resolution {
  #missing = false;
  #unavailable = false;
  #failure: { code: string; cause: unknown } | undefined;
  #lookupsLeft = MAX_NAMES_PER_RESOLUTION;

  constructor(readonly target: string) {}

  /** Takes one name's address lookup from the budget; false when it is spent. */
  spendLookup(): boolean {
    if (this.#lookupsLeft <= 0) return false;
    this.#lookupsLeft -= 1;
    return true;
  }

  note(answer: DnsAnswer<unknown>): void {
    if (answer.status === 'failed' && this.#failure === undefined) {
      this.#failure = { code: answer.code, cause: answer.cause };
    }
  }

  targetMissing(): void {
    this.#missing = true;
  }

  serviceUnavailable(): void {
    this.#unavailable = true;
  }

  /** The list with duplicates removed, or the most telling reason why it is empty. */
  finish(list: readonly ResolvedTarget[]): ResolveResult {
    const seen = new Set<string>();
    const value = list.filter((t) => {
      const key = `${t.transport} ${t.address} ${t.port}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (value.length > 0) return { ok: true, value };
    if (this.#missing) return failure('NXDOMAIN', `${this.target} does not exist`, this.target);
    if (this.#failure !== undefined) {
      const { code, cause } = this.#failure;
      const error = new ResolveError(
        RESOLVE_ERROR_CODES.DNS_FAILURE,
        `DNS query for ${this.target} failed (${code})`,
        this.target,
        code,
        { cause },
      );
      return { ok: false, error };
    }
    if (this.#unavailable) {
      return failure('SERVICE_UNAVAILABLE', `SRV records say SIP is not available at ${this.target}`, this.target);
    }
    return failure('NO_RECORDS', `${this.target} has no address for an enabled transport`, this.target);
  }
}

function failure(
  code: Exclude<keyof typeof RESOLVE_ERROR_CODES, 'DNS_FAILURE' | 'INVALID_CONFIG'>,
  message: string,
  target?: string,
): ResolveResult {
  return { ok: false, error: new ResolveError(RESOLVE_ERROR_CODES[code], message, target) };
}

function invalidConfig(message: string): ResolveError {
  return new ResolveError(RESOLVE_ERROR_CODES.INVALID_CONFIG, message);
}

function makeResolver(options: SipResolverOptions): DnsQueryResolver {
  try {
    const resolver = new dnsPromises.Resolver({ timeout: options.timeoutMs ?? 2000, tries: options.tries ?? 2 });
    if (options.servers !== undefined) resolver.setServers([...options.servers]);
    return resolver;
  } catch (cause: unknown) {
    throw new ResolveError(RESOLVE_ERROR_CODES.INVALID_CONFIG, 'bad DNS servers, timeoutMs or tries', undefined, undefined, {
      cause,
    });
  }
}
