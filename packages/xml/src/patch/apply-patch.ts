import type { Document, Element, Node, ProcessingInstruction } from '@xmldom/xmldom';
import { parseXml, type XmlLimits } from '../parse-xml.js';
import { applyOperation } from './apply-operation.js';
import { childNodes, isDocument, isElement, isXmlDeclaration, plainAttributes } from './dom-nodes.js';
import { PatchError } from './patch-error.js';

export type PatchResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: PatchError };

export interface PatchOptions {
  /** Whether id() may be used in selectors (RFC 5261 §4.1, "MAY"); default true. False: unsupported-id-function. */
  readonly idFunction?: boolean;
  /** Whether id() finds xml:id attributes (RFC 5261 §4.1); default true. False: unsupported-xml-id when only an xml:id matches. */
  readonly xmlId?: boolean;
  /** Attributes the application's schema types as ID (e.g. `id`), for id(); default none. */
  readonly idAttributes?: readonly string[];
  /** Character set of the target document (e.g. from its MIME charset parameter); default: its XML declaration, else UTF-8. */
  readonly targetCharset?: string;
  /** Character set of the diff document; default: its XML declaration, else UTF-8. */
  readonly patchCharset?: string;
  /**
   * Namespace the `<add>`/`<replace>`/`<remove>` elements must be in (null: none). Default:
   * any, as RFC 5261 §3 leaves it to the including schema (pidf-diff, xcap-diff, ...).
   */
  readonly operationNamespace?: string | null;
  /** Most operations one diff may hold (each evaluates a selector over the document); default 10,000. More: invalid-diff-format. */
  readonly maxOperations?: number;
}

/**
 * Applies the RFC 5261 patch operations that are the element children of `patch` (an XML
 * diff document's root, e.g. `<p:pidf-diff>`, or any element holding them), in document
 * order (§4), to a copy of `target`. Atomic: on the first failing operation the error
 * (§5) is returned and `target` is untouched; it is never modified in any case.
 * Comments and text between the operations are ignored. Never throws.
 */
export function applyPatch(target: Document, patch: Element | Document, options: PatchOptions = {}): PatchResult<Document> {
  const root = isDocument(patch) ? patch.documentElement : patch;
  if (root === null) return { ok: false, error: new PatchError('invalid-diff-format', 'the diff document has no root element') };
  // RFC 5261 §5.1 invalid-character-set: the diff and the patched document use different character sets.
  const targetCharset = normalizeCharset(options.targetCharset ?? declaredEncoding(target));
  const patchCharset = normalizeCharset(options.patchCharset ?? declaredEncoding(root.ownerDocument));
  if (targetCharset !== patchCharset) {
    return { ok: false, error: new PatchError('invalid-character-set', `the diff document is ${patchCharset}, the target document ${targetCharset}`) };
  }
  const ops = childNodes(root).filter(isElement);
  const maxOperations = options.maxOperations ?? 10_000;
  if (ops.length > maxOperations) return { ok: false, error: new PatchError('invalid-diff-format', `the diff holds ${ops.length} operations, more than ${maxOperations}`) };
  const opOptions = {
    idFunction: options.idFunction ?? true,
    xmlId: options.xmlId ?? true,
    idAttributes: options.idAttributes ?? [],
    operationNamespace: options.operationNamespace,
  };
  // §4: each operation applies to the result of the previous one; all of them to a copy (atomicity).
  const doc = target.cloneNode(true) as Document;
  try {
    for (const op of ops) {
      const error = applyOperation(doc, op, opOptions);
      if (error !== undefined) return { ok: false, error };
    }
  } catch (e) {
    // A DOM exception from a case the checks above did not foresee: still an error result, never a throw.
    return { ok: false, error: new PatchError('invalid-diff-format', e instanceof Error ? e.message : String(e)) };
  }
  return { ok: true, value: doc };
}

/**
 * Parses an XML diff document from the network with parseXml's hardening and returns its
 * root element, ready for applyPatch. RFC 5261 §5.1: a document that is not UTF-8 gives
 * invalid-character-set; a reference to an undeclared entity invalid-entity-declaration
 * (with the operation that holds it); one that is otherwise not well-formed (or has a DTD,
 * which parseXml refuses, or exceeds the limits) invalid-diff-format. Never throws.
 */
export function parsePatch(input: Buffer | string, limits: XmlLimits = {}): PatchResult<Element> {
  const parsed = parseXml(input, limits);
  if (parsed.ok) return { ok: true, value: parsed.value.documentElement as Element };
  if (parsed.error.code === 'not-utf-8') return { ok: false, error: new PatchError('invalid-character-set', parsed.error.message) };
  const entity = ENTITY_NOT_FOUND.exec(parsed.error.message);
  if (entity?.[1] !== undefined) return { ok: false, error: undeclaredEntity(input, entity[1], limits) };
  return { ok: false, error: new PatchError('invalid-diff-format', parsed.error.message) };
}

const ENTITY_NOT_FOUND = /entity not found:\s*&([^;\s]+);/;

/**
 * RFC 5261 §5.1 invalid-entity-declaration: "an entity reference was found but corresponding
 * declaration could not be located". The error element holds the operation that failed, so
 * the diff is parsed once more with the undeclared references as literal text (a few names
 * at most) to find the operation containing the first one.
 */
function undeclaredEntity(input: Buffer | string, first: string, limits: XmlLimits): PatchError {
  const message = `entity &${first}; is not declared`;
  let text = typeof input === 'string' ? input : input.toString('utf8');
  const names = [first];
  for (let attempt = 0; attempt < 8; attempt++) {
    for (const name of names) text = text.split(`&${name};`).join(`&amp;${name};`);
    const again = parseXml(text, limits);
    if (again.ok) {
      const root = again.value.documentElement as Element;
      const op = childNodes(root).find((c): c is Element => isElement(c) && containsText(c, `&${first};`));
      return new PatchError('invalid-entity-declaration', message, { sel: op?.getAttribute('sel') ?? undefined, operation: op });
    }
    const next = ENTITY_NOT_FOUND.exec(again.error.message)?.[1];
    if (next === undefined || names.includes(next)) break;
    names.push(next);
  }
  return new PatchError('invalid-entity-declaration', message);
}

function containsText(n: Node, needle: string): boolean {
  if ((n.nodeType === 3 || n.nodeType === 4) && (n.nodeValue ?? '').includes(needle)) return true;
  if (isElement(n) && plainAttributes(n).some((a) => a.value.includes(needle))) return true;
  return childNodes(n).some((c) => containsText(c, needle));
}

function declaredEncoding(doc: Document | Node | null): string {
  const decl = doc === null ? undefined : childNodes(doc).find((n): n is ProcessingInstruction => isXmlDeclaration(n));
  const m = decl === undefined ? null : /encoding\s*=\s*["']([^"']+)["']/.exec(decl.data);
  return m?.[1] ?? 'UTF-8';
}

const normalizeCharset = (c: string): string => {
  const n = c.trim().toUpperCase();
  return n === 'UTF8' ? 'UTF-8' : n;
};
