/**
 * XML namespaces of the presence formats this package reads and writes, with the
 * prefixes it uses when it has to declare one itself. Any prefix is as good as
 * another (RFC 3863 §4.2.1): readers match on the URI only.
 */
export const NS = {
  /** RFC 3863 §4.2.2. */
  pidf: 'urn:ietf:params:xml:ns:pidf',
  /** RFC 4479 §10.1. */
  dataModel: 'urn:ietf:params:xml:ns:pidf:data-model',
  /** RFC 4480 §7.1. */
  rpid: 'urn:ietf:params:xml:ns:pidf:rpid',
  /** RFC 4481 §6. */
  timedStatus: 'urn:ietf:params:xml:ns:pidf:timed-status',
  /** RFC 4482 §6. */
  cipid: 'urn:ietf:params:xml:ns:pidf:cipid',
  /** RFC 5196 §7.1. */
  caps: 'urn:ietf:params:xml:ns:pidf:caps',
  /** RFC 5262 §5.1. */
  pidfDiff: 'urn:ietf:params:xml:ns:pidf-diff',
  xml: 'http://www.w3.org/XML/1998/namespace',
  xmlns: 'http://www.w3.org/2000/xmlns/',
} as const;

export type PresenceNamespace = (typeof NS)[keyof typeof NS];

/** Prefixes used when this package declares a namespace (RFC 4479 §7 and RFC 4480 §4 spellings). */
export const PREFERRED_PREFIX: Readonly<Record<string, string>> = {
  [NS.dataModel]: 'dm',
  [NS.rpid]: 'rpid',
  [NS.timedStatus]: 'ts',
  [NS.cipid]: 'c',
  [NS.caps]: 'caps',
  [NS.pidfDiff]: 'p',
  /** RFC 4589, the values of RPID <place-type>. */
  'urn:ietf:params:xml:ns:location-type': 'lt',
};
