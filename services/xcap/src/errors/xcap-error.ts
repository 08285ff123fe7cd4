/**
 * The registry of RFC 4825 §11 conflict reports: one class per error element,
 * each sent as a 409 with an `application/xcap-error+xml` body (§11.2), and the
 * plain HTTP refusals (404, 405, 412, 415, 401, 403) that carry no body.
 */
import { escapeXmlAttr, escapeXmlText } from '@simple/xml';

export const XCAP_ERROR_NS = 'urn:ietf:params:xml:ns:xcap-error';
export const XCAP_ERROR_MEDIA_TYPE = 'application/xcap-error+xml';

/** The §11.2 error elements this server produces. */
export const XCAP_ERROR_ELEMENTS = [
  'not-well-formed',
  'not-utf-8',
  'schema-validation-error',
  'no-parent',
  'cannot-insert',
  'cannot-delete',
  'uniqueness-failure',
  'constraint-failure',
  'not-xml-frag',
  'not-xml-att-value',
] as const;
export type XcapErrorElement = (typeof XCAP_ERROR_ELEMENTS)[number];

/** A conflict (RFC 4825 §11): HTTP 409 and the named error element. */
export abstract class XcapError extends Error {
  readonly status = 409;
  abstract readonly element: XcapErrorElement;
  constructor(
    /** The optional `phrase` attribute (§11.2). */
    readonly phrase?: string,
    options?: { cause?: unknown },
  ) {
    super(phrase, options);
    this.name = new.target.name;
  }
  /** The element's content, already serialized (empty by default). */
  content(): string {
    return '';
  }
}

/** §11.2 <not-well-formed>: the body of a document PUT was not well-formed XML. */
export class NotWellFormedError extends XcapError {
  readonly element = 'not-well-formed';
}

/** §11.2 <not-utf-8>: the body was well-formed but not UTF-8. */
export class NotUtf8Error extends XcapError {
  readonly element = 'not-utf-8';
}

/** §11.2 <schema-validation-error>: the resulting document is not valid against the usage's schema. */
export class SchemaValidationError extends XcapError {
  readonly element = 'schema-validation-error';
}

/** §11.2 <no-parent>: the parent of the resource to insert does not exist; `ancestor` is the closest existing one. */
export class NoParentError extends XcapError {
  readonly element = 'no-parent';
  constructor(
    readonly ancestor: string | undefined,
    phrase?: string,
  ) {
    super(phrase);
  }
  override content(): string {
    return this.ancestor === undefined ? '' : `<ancestor>${escapeXmlText(this.ancestor)}</ancestor>`;
  }
}

/** §11.2 <cannot-insert>: after the PUT, the request URI would not select what was put (§8.2.3, §8.2.4). */
export class CannotInsertError extends XcapError {
  readonly element = 'cannot-insert';
}

/** §11.2 <cannot-delete>: after the DELETE, the request URI would select another node (§8.4). */
export class CannotDeleteError extends XcapError {
  readonly element = 'cannot-delete';
}

/** One field that is not unique, with values that would be (§11.2 <exists>). */
export interface UniquenessConflict {
  /** A node selector of the field (for example `rls-services/service/@uri`). */
  readonly field: string;
  readonly altValues: readonly string[];
}

/** §11.2 <uniqueness-failure>: a value the usage requires to be unique is not. */
export class UniquenessFailureError extends XcapError {
  readonly element = 'uniqueness-failure';
  constructor(
    readonly conflicts: readonly UniquenessConflict[],
    phrase?: string,
  ) {
    super(phrase);
  }
  override content(): string {
    return this.conflicts
      .map((c) => `<exists field="${escapeXmlAttr(c.field)}">${c.altValues.map((v) => `<alt-value>${escapeXmlText(v)}</alt-value>`).join('')}</exists>`)
      .join('');
  }
}

/** §11.2 <constraint-failure>: a data constraint of the usage other than schema and uniqueness failed. */
export class ConstraintFailureError extends XcapError {
  readonly element = 'constraint-failure';
}

/** §11.2 <not-xml-frag>: an element PUT whose body is not one well-balanced element. */
export class NotXmlFragError extends XcapError {
  readonly element = 'not-xml-frag';
}

/** §11.2 <not-xml-att-value>: an attribute PUT whose body is not an XML AttValue. */
export class NotXmlAttValueError extends XcapError {
  readonly element = 'not-xml-att-value';
}

/** The §11.2 `<xcap-error>` document of a conflict. */
export function xcapErrorDocument(err: XcapError): string {
  const phrase = err.phrase === undefined ? '' : ` phrase="${escapeXmlAttr(err.phrase)}"`;
  const content = err.content();
  const el = content === '' ? `<${err.element}${phrase}/>` : `<${err.element}${phrase}>${content}</${err.element}>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<xcap-error xmlns="${XCAP_ERROR_NS}">${el}</xcap-error>\n`;
}

/** An HTTP refusal without a conflict report. */
export class XcapHttpError extends Error {
  constructor(
    readonly status: 304 | 400 | 401 | 403 | 404 | 405 | 412 | 415 | 503,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'XcapHttpError';
  }
}
