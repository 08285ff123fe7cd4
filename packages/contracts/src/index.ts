// Public surface of @simple/contracts: the wire contracts between services.
export { redisKeys, type AorKey } from './redis-keys.js';
export { subjects, tokenize, SIP_SERVICES, type SipService } from './subjects.js';
export {
  ENVELOPE_HEADERS,
  ENVELOPE_VERSION,
  readFlow,
  writeFlow,
  readInbound,
  writeInbound,
  type EnvelopeFlow,
  type InboundEnvelope,
  type OutboundEnvelope,
  type HeaderMap,
} from './sip-envelope.js';
export { subscriptionKeys } from './subscription-keys.js';
export { presenceKeys, presenceSubjects } from './presence-keys.js';
export { messageKeys } from './message-keys.js';
export { xcapKeys, xcapSubjects, xcapHistory } from './xcap-keys.js';
export { parseXcapChangeEvent, type XcapChangeEvent, type XcapChangeEventResult } from './xcap-change-event.js';
