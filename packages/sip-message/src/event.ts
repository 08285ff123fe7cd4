import { isToken } from './char-classes.js';
import type { Params } from './params.js';
import { fail, ok, type Result } from './result.js';
import { Scanner, scanParams } from './scanner.js';

/** Event = event-type *( SEMI event-param ) (RFC 6665 §8.2.1). */
export interface EventHeader {
  /** event-package *( "." event-template ), e.g. "presence" or "presence.winfo". */
  readonly type: string;
  readonly id: string | undefined;
  readonly params: Params;
}

export function parseEvent(value: string): Result<EventHeader> {
  const s = new Scanner(value);
  s.skipWs();
  const type = s.token();
  if (type.length === 0) return fail('Bad Event: missing event type', 'event');
  const params = scanParams(s, 'Event');
  if (!params.ok) return params;
  s.skipWs();
  if (!s.eof()) return fail('Bad Event: trailing characters', 'event');
  const id = params.value.get('id');
  return ok({ type: type.toLowerCase(), id: id ?? undefined, params: params.value });
}

/** The substate values of RFC 6665 §8.2.3 (extension values are kept as they come). */
export type SubstateValue = 'active' | 'pending' | 'terminated' | (string & {});

/** The reasons of RFC 6665 §4.2.2 / RFC 3265 §3.2.4. */
export type TerminationReason = 'deactivated' | 'probation' | 'rejected' | 'timeout' | 'giveup' | 'noresource' | 'invariant' | (string & {});

export interface SubscriptionState {
  readonly state: SubstateValue;
  readonly reason: TerminationReason | undefined;
  readonly expires: number | undefined;
  readonly retryAfter: number | undefined;
  readonly params: Params;
}

/** Subscription-State = substate-value *( SEMI subexp-params ) (RFC 6665 §8.2.3). */
export function parseSubscriptionState(value: string): Result<SubscriptionState> {
  const s = new Scanner(value);
  s.skipWs();
  const state = s.token().toLowerCase();
  if (!isToken(state)) return fail('Bad Subscription-State: missing substate', 'subscription-state');
  const params = scanParams(s, 'Subscription-State');
  if (!params.ok) return params;
  const num = (name: string): number | undefined | null => {
    const v = params.value.get(name);
    if (v === undefined || v === null) return undefined;
    return /^\d{1,10}$/.test(v) ? Number(v) : null;
  };
  const expires = num('expires');
  const retryAfter = num('retry-after');
  if (expires === null || retryAfter === null) return fail('Bad Subscription-State: invalid number', 'subscription-state');
  return ok({ state, reason: params.value.get('reason') ?? undefined, expires, retryAfter, params: params.value });
}

export function formatSubscriptionState(st: { state: SubstateValue; reason?: string; expires?: number; retryAfter?: number }): string {
  let v: string = st.state;
  if (st.reason !== undefined) v += `;reason=${st.reason}`;
  if (st.expires !== undefined) v += `;expires=${st.expires}`;
  if (st.retryAfter !== undefined) v += `;retry-after=${st.retryAfter}`;
  return v;
}
