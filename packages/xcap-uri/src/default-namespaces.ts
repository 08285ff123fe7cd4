/**
 * RFC 4825 §5.4 / §6.3: the default document namespace of each application usage this
 * platform serves, for resolving unprefixed element names in node selectors. The XCAP
 * server's usages take theirs from here; a watcher of selectors (the xcap-diff notifier, RFC 5875
 * §4.6 "notifiers MUST be aware of XCAP Default Document Namespaces") reads them here.
 */
export const RESOURCE_LISTS_NS = 'urn:ietf:params:xml:ns:resource-lists'; // RFC 4826 §3.4.4
export const RLS_SERVICES_NS = 'urn:ietf:params:xml:ns:rls-services'; // RFC 4826 §4.4.4
export const COMMON_POLICY_NS = 'urn:ietf:params:xml:ns:common-policy'; // RFC 5025 §9.4
export const PIDF_NS = 'urn:ietf:params:xml:ns:pidf'; // RFC 4827 §4.4
export const XCAP_CAPS_NS = 'urn:ietf:params:xml:ns:xcap-caps'; // RFC 4825 §12.4

export const XCAP_DEFAULT_NAMESPACES: Readonly<Record<string, string>> = Object.freeze({
  'resource-lists': RESOURCE_LISTS_NS,
  'rls-services': RLS_SERVICES_NS,
  'pres-rules': COMMON_POLICY_NS,
  'pidf-manipulation': PIDF_NS,
  'xcap-caps': XCAP_CAPS_NS,
});

/** The usage's default document namespace ('' when the AUID is not one of ours). */
export function defaultNamespaceOf(auid: string): string {
  return Object.prototype.hasOwnProperty.call(XCAP_DEFAULT_NAMESPACES, auid) ? (XCAP_DEFAULT_NAMESPACES[auid] ?? '') : '';
}
