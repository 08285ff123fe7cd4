import { isToken } from './char-classes.js';
import { fail, ok, type Result } from './result.js';

export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

const MAX_SEQ = 0xffffffff;

/** CSeq = 1*DIGIT LWS Method (RFC 3261 §20.16). */
export function parseCSeq(value: string): Result<CSeq> {
  const m = /^\s*(\d+)\s+(\S+)\s*$/.exec(value);
  if (m === null || m[1] === undefined || m[2] === undefined) return fail('Bad CSeq: expected "number method"', 'cseq');
  // "The sequence number MUST be expressible as a 32-bit unsigned integer" (§8.1.1.5, RFC 4475 §3.1.2.4).
  if (m[1].replace(/^0+/, '').length > 10 || Number(m[1]) > MAX_SEQ) return fail('Bad CSeq: number out of range', 'cseq');
  if (!isToken(m[2])) return fail('Bad CSeq: invalid method', 'cseq');
  return ok({ seq: Number(m[1]), method: m[2] });
}
