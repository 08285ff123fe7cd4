/** Why a document was refused. Codes are stable; XCAP maps them to its error elements (RFC 4825 §11). */
export type XmlErrorCode = 'not-well-formed' | 'not-utf-8' | 'dtd-forbidden' | 'too-large' | 'too-deep' | 'too-many-nodes';

export class XmlError extends Error {
  override readonly name = 'XmlError';
  constructor(
    readonly code: XmlErrorCode,
    message: string,
  ) {
    super(message);
  }
}
