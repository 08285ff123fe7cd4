// Public surface of @simple/sip-events: the RFC 6665 notifier framework (notifier side only).
export { Notifier, type FanOutResult } from './notifier.js';
export type { NotifierOptions } from './notifier-options.js';
export type {
  EventPackage,
  Authorization,
  AuthorizationRequest,
  NotifyBody,
  WatcherContext,
  SubscriptionChange,
} from './event-package.js';
export { defaultResource, type SubscribeOutcome, type Respond } from './subscribe-handler.js';
export type { DeliveryResult } from './notify-sender.js';
export type { SweepResult } from './subscription-sweeper.js';
export {
  TERMINATION_REASONS,
  type Subscription,
  type SubscriptionDialog,
  type SubscriptionStateValue,
  type Termination,
  type TerminationReason,
} from './subscription.js';
export { countingTransport, outcomeLabel, type NotifyTransport, type NotifyOutcome } from './notify-transport.js';
export { NatsNotifyTransport, type NatsNotifyTransportOptions } from './nats-notify-transport.js';
export { notifyVerdict, type NotifyVerdict } from './notify-failure.js';
export { negotiateContentType, type Negotiation } from './accept-negotiation.js';
export { grantExpiry, type ExpiryBounds, type ExpiryDecision } from './expiry-policy.js';
export { parseMaxRate, minNotifyInterval, formatMaxRate, type RateControlOptions } from './rate-control.js';
export { formatSubscriptionStateHeader, INVARIANT_RETRY_AFTER, type SubscriptionStateHeader } from './subscription-state-header.js';
export { buildNotify, type NotifyParts } from './notify-request.js';
export { dialogId } from './dialog-id.js';
export { SipEventsError, type SipEventsErrorCode } from './sip-events-error.js';
