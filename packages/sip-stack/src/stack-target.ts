import { isReliable, type Flow, type RequestTarget } from '@simple/sip-transport';

/**
 * Where a transaction's messages go: a server transaction answers over the flow
 * its request arrived on (RFC 3261 §18.2.2); a client transaction sends to a
 * resolved target (RFC 3263) or over an existing flow (RFC 5626 §5.3).
 */
export type StackTarget = { readonly flow: Flow } | RequestTarget;

export function targetIsReliable(target: StackTarget): boolean {
  return isReliable('flow' in target ? target.flow.protocol : target.protocol);
}
