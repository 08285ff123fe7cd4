import { fail, H, ok, type CSeq, type Result, type SipMessage, type Via } from '@simple/sip-message';

/** The header values transaction matching reads (RFC 3261 §17.1.3, §17.2.3). */
export interface TransactionFields {
  readonly topVia: Via;
  readonly cseq: CSeq;
  readonly callId: string;
  readonly fromTag: string | undefined;
  readonly toTag: string | undefined;
}

/**
 * Reads the fields a transaction needs without throwing: a message built in
 * code, or one whose headers were changed after parsing, may lack them.
 */
export function readTransactionFields(message: SipMessage): Result<TransactionFields> {
  const via = message.headers.typed(H.via);
  if (!via.ok) return via;
  const topVia = via.value?.[0];
  if (topVia === undefined) return fail('Missing Via header', 'via');
  const cseq = message.headers.typed(H.cseq);
  if (!cseq.ok) return cseq;
  if (cseq.value === undefined) return fail('Missing CSeq header', 'cseq');
  const callId = message.headers.typed(H.callId);
  if (!callId.ok) return callId;
  if (callId.value === undefined) return fail('Missing Call-ID header', 'call-id');
  const from = message.headers.typed(H.from);
  if (!from.ok) return from;
  if (from.value === undefined) return fail('Missing From header', 'from');
  const to = message.headers.typed(H.to);
  if (!to.ok) return to;
  if (to.value === undefined) return fail('Missing To header', 'to');
  return ok({ topVia, cseq: cseq.value, callId: callId.value, fromTag: from.value.tag, toTag: to.value.tag });
}
