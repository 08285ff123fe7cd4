/**
 * RFC 4825 §5.4 / §6.3: the default document namespace of each application usage this
 * platform serves, for resolving unprefixed element names in node selectors. The XCAP
 * server's usages declare theirs; a watcher of selectors (the xcap-diff notifier, RFC 5875
 * §4.6 "notifiers MUST be aware of XCAP Default Document Namespaces") reads them here.
 */
export const XCAP_DEFAULT_NAMESPACES: Readonly<Record<string, string>> = Object.freeze({
  'resource-lists': 'urn:ietf:params:xml:ns:resource-lists', // RFC 4826 §3.4.4
  'rls-services': 'urn:ietf:params:xml:ns:rls-services', // RFC 4826 §4.4.4
  'pres-rules': 'urn:ietf:params:xml:ns:common-policy', // RFC 5025 §9.4
  'pidf-manipulation': 'urn:ietf:params:xml:ns:pidf', // RFC 4827 §4.4
  'xcap-caps': 'urn:ietf:params:xml:ns:xcap-caps', // RFC 4825 §12.4
});

/** The usage's default document namespace ('' when the AUID is not one of ours). */
export function defaultNamespaceOf(auid: string): string {
  return Object.prototype.hasOwnProperty.call(XCAP_DEFAULT_NAMESPACES, auid) ? (XCAP_DEFAULT_NAMESPACES[auid] ?? '') : '';
}
