// Public surface of @simple/sip-transaction: the RFC 3261 §17 / RFC 6026 transaction layer.
export { type Clock, type ClockTimer, systemClock, FakeClock } from '@simple/clock';
export {
  type TimerConfig,
  type TransactionTimerValues,
  DEFAULT_TIMER_CONFIG,
  TRYING_DELAY_MS,
  TIMER_D_MINIMUM_MS,
  resolveTimerConfig,
  transactionTimers,
  nextInviteRetransmitInterval,
  nextCappedRetransmitInterval,
} from './timers.js';
export { TimerSet } from './timer-set.js';
export {
  TransactionError,
  IllegalTransitionError,
  TransactionTransportError,
  TransactionTableFullError,
  TransactionUsageError,
} from './transaction-error.js';
export { type TransactionTransport, type TransactionChannel, bindChannel } from './transaction-transport.js';
export { Transaction, type TransactionOptions, type TransactionKind, type TerminatedState } from './transaction.js';
export type {
  ClientTransaction,
  ServerTransaction,
  ClientTransactionUser,
  ServerTransactionUser,
  TransactionUser,
  RequestContext,
  AckContext,
} from './transaction-user.js';
export { InviteClientTransaction, type InviteClientState } from './invite-client-transaction.js';
export { NonInviteClientTransaction, type NonInviteClientState } from './non-invite-client-transaction.js';
export {
  InviteServerTransaction,
  type InviteServerState,
  type InviteServerTransactionOptions,
  type AckDisposition,
} from './invite-server-transaction.js';
export { NonInviteServerTransaction, type NonInviteServerState } from './non-invite-server-transaction.js';
export { createNonSuccessAck } from './non-success-ack.js';
export { newBranch } from './branch.js';
export { readTransactionFields, type TransactionFields } from './transaction-fields.js';
export { viaEquals, matchesRfc2543Request, matchesRfc2543Ack, matchesRfc2543Cancel } from './rfc2543-matching.js';
export { clientTransactionKey, ClientTransactionTable } from './client-transaction-table.js';
export { serverTransactionKey, ServerTransactionTable } from './server-transaction-table.js';
export {
  TransactionLayer,
  type TransactionLayerOptions,
  type RequestOutcome,
  type ResponseOutcome,
  DEFAULT_MAX_TRANSACTIONS,
} from './transaction-layer.js';
