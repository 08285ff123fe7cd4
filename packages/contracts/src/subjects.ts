/**
 * Every NATS subject of the platform, versioned. Services subscribe to their
 * inbound subject in a queue group named after the service, so that any
 * replica may take a request (DESIGN.md, "How a request flows").
 */

/** The services the edge routes SIP requests to. */
export const SIP_SERVICES = ['presence', 'rls', 'watcherinfo', 'xcap-diff', 'message-router', 'chat', 'registrar-events'] as const;
export type SipService = (typeof SIP_SERVICES)[number];

export const subjects = {
  /** Edge → service: an out-of-dialog (or in-dialog) SIP request; the reply is the SIP response. */
  sipToService: (service: string): string => `simple.v1.sip.service.${service}`,
  /** Queue group for a service's replicas. */
  serviceQueue: (service: string): string => `simple.v1.${service}`,
  /**
   * Service → edge instance: a request to send to a client over a flow this
   * edge owns (NOTIFY, MESSAGE delivery); the reply is the final response.
   */
  sipToEdge: (edgeId: string): string => `simple.v1.sip.edge.${edgeId}`,
  /** Event: an address of record's bindings changed (a user registered or left). */
  registrationChanged: (domain: string): string => `simple.v1.events.registration.${tokenize(domain)}`,
  /** Wildcard for every registration event. */
  registrationChangedAll: (): string => 'simple.v1.events.registration.>',
} as const;

/** NATS subject tokens may not hold ".", "*", ">" or whitespace. */
export function tokenize(s: string): string {
  return s.toLowerCase().replace(/[.*>\s]/g, '_');
}
