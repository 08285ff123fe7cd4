import { ALL_SPECS } from './header-specs.js';
import type { SipMessage } from './message.js';
import type { SipParseError } from './sip-parse-error.js';

/**
 * Checks every header this library knows, beyond the ones the parser checked
 * eagerly. The first defect comes back with its status and reason; the typed
 * values stay cached, so later reads cost nothing.
 */
export function validateMessage(msg: SipMessage): SipParseError | undefined {
  for (const spec of ALL_SPECS) {
    if (!msg.headers.has(spec.name)) continue;
    const r = msg.headers.typed(spec);
    if (!r.ok) return r.error;
  }
  return undefined;
}
