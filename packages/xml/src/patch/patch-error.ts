import type { Element } from '@xmldom/xmldom';

/** RFC 5261 §10.1: the namespace of `<patch-ops-error>` documents. */
export const PATCH_OPS_ERROR_NS = 'urn:ietf:params:xml:ns:patch-ops-error';

/** RFC 5261 §10.2: the media type of `<patch-ops-error>` documents. */
export const PATCH_OPS_ERROR_MEDIA_TYPE = 'application/patch-ops-error+xml';

/** RFC 5261 §5.1: every error element the specification defines, by its element name. */
export const PATCH_ERROR_CODES = [
  'invalid-attribute-value',
  'invalid-character-set',
  'invalid-diff-format',
  'invalid-entity-declaration',
  'invalid-namespace-prefix',
  'invalid-namespace-uri',
  'invalid-node-types',
  'invalid-patch-directive',
  'invalid-root-element-operation',
  'invalid-xml-prolog-operation',
  'invalid-whitespace-directive',
  'unlocated-node',
  'unsupported-id-function',
  'unsupported-xml-id',
] as const;

/** The name of an RFC 5261 §5.1 error element. */
export type PatchErrorCode = (typeof PATCH_ERROR_CODES)[number];

/**
 * RFC 5261 §9: the two error elements of type `patch-error-simple`; they carry no
 * patch operation. All the others are of type `patch-error` and contain the
 * operation element that failed.
 */
export const SIMPLE_PATCH_ERROR_CODES: ReadonlySet<PatchErrorCode> = new Set(['invalid-character-set', 'invalid-diff-format']);

/**
 * Why a patch could not be applied (RFC 5261 §5). `code` is the error element's name,
 * `message` its `phrase`; `operation` is the failing `<add>`/`<replace>`/`<remove>`
 * element (a detached copy) and `sel` its selector, when there was one.
 */
export class PatchError extends Error {
  override readonly name = 'PatchError';
  readonly sel: string | undefined;
  readonly operation: Element | undefined;
  constructor(
    readonly code: PatchErrorCode,
    message: string,
    context: { readonly sel?: string | undefined; readonly operation?: Element | undefined } = {},
  ) {
    super(message);
    this.sel = context.sel;
    this.operation = context.operation;
  }
}
