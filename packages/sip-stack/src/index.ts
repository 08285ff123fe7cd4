// Public surface of @simple/sip-stack: transport + transactions + the §8.2 UAS checks.
export { SipStack, type SipStackConfig, type RequestHandler, type SendOptions } from './sip-stack.js';
export { IncomingRequest } from './incoming-request.js';
export { type StackTarget, targetIsReliable } from './stack-target.js';
export { type SipStackStats, newStackStats } from './stack-stats.js';
export { checkUasRequest, type UasPolicy, type UasRejection } from './uas-request-checks.js';
