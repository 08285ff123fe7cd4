import type { XmlError } from '@simple/xml';

/**
 * Why a presence document was refused. The first six codes come from the XML layer
 * (`XmlError`, kept as `cause`); the others are PIDF-level.
 *
 * | code | meaning |
 * |---|---|
 * | `not-well-formed`, `not-utf-8`, `dtd-forbidden`, `too-large`, `too-deep`, `too-many-nodes` | refused by `parseXml` |
 * | `not-pidf` | the root is not `{urn:ietf:params:xml:ns:pidf}presence` (RFC 3863 §4.1.1) |
 * | `not-pidf-diff` | the root is neither `pidf-full` nor `pidf-diff` (RFC 5262 §3: `<presence>` is not allowed there) |
 */
export type PidfErrorCode = XmlError['code'] | 'not-pidf' | 'not-pidf-diff';

/**
 * A presence document that cannot be used. `status` is the SIP status an event state
 * compositor answers a PUBLISH carrying it with: 400 Bad Request (RFC 3903 §6 step 5:
 * a body the ESC does not understand is rejected "with an appropriate response").
 */
export class PidfError extends Error {
  override readonly name = 'PidfError';
  readonly status = 400;
  constructor(
    readonly code: PidfErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
