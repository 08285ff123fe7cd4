/**
 * The errors of `@simple/sip-events`, by code:
 * - `config`: options that cannot work (thrown by the Notifier's constructor);
 * - `unknown-package`: an event package the Notifier does not serve;
 * - `lease-lost`: a sender lease ran out while its NOTIFY was in flight, so
 *   the ordering invariant may not have held (reported through `onError`);
 * - `compose`: an event package's hook failed (reported through `onError`).
 */
export type SipEventsErrorCode = 'config' | 'unknown-package' | 'lease-lost' | 'compose';

export class SipEventsError extends Error {
  override readonly name = 'SipEventsError';
  constructor(
    readonly code: SipEventsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
