// XML Schema validation with libxml2 (compiled to WebAssembly, in-process, offline):
// the schemas are served from test/fixtures/xsd through an in-memory input provider,
// so their relative schemaLocations and RFC 5262's URN include resolve without a network.
import { readdirSync, readFileSync } from 'node:fs';
import { XmlBufferInputProvider, XmlC14NMode, XmlDocument, xmlRegisterInputProvider, XsdValidator } from 'libxml2-wasm';

const XSD_DIR = new URL('../fixtures/xsd/', import.meta.url);
const BASE = 'pidf-xsd:/';

let validator: XsdValidator | undefined;

function load(): XsdValidator {
  if (validator !== undefined) return validator;
  const files: Record<string, Uint8Array> = {};
  for (const f of readdirSync(XSD_DIR)) if (f.endsWith('.xsd')) files[`${BASE}${f}`] = readFileSync(new URL(f, XSD_DIR));
  // RFC 5262 §7 includes the RFC 5261 types by URN (schemaLocation="urn:ietf:params:xml:schema:patch-ops").
  files['urn:ietf:params:xml:schema:patch-ops'] = readFileSync(new URL('rfc5261-patch-ops-types.xsd', XSD_DIR));
  xmlRegisterInputProvider(new XmlBufferInputProvider(files));
  const driver = XmlDocument.fromBuffer(readFileSync(new URL('presence-all.xsd', XSD_DIR)), { url: `${BASE}presence-all.xsd` });
  // The driver stays alive with the validator for the whole test process.
  validator = XsdValidator.fromDoc(driver);
  return validator;
}

/** The validation errors of a document against pidf + data-model + rpid + cipid + caps + timed-status + pidf-diff ([] if valid). */
export function schemaErrors(xml: string | Buffer): string[] {
  const v = load();
  const doc = typeof xml === 'string' ? XmlDocument.fromString(xml) : XmlDocument.fromBuffer(xml);
  try {
    v.validate(doc);
    return [];
  } catch (e) {
    const details = (e as { details?: Array<{ message: string }> }).details;
    return details?.map((d) => d.message.trim()) ?? [String(e)];
  } finally {
    doc.dispose();
  }
}

/** Canonical XML 1.0 (libxml2's implementation): an independent check of exact round trips. */
export function c14n(xml: string | Buffer): string {
  const doc = typeof xml === 'string' ? XmlDocument.fromString(xml) : XmlDocument.fromBuffer(xml);
  try {
    return doc.canonicalizeToString({ mode: XmlC14NMode.XML_C14N_1_0 });
  } finally {
    doc.dispose();
  }
}
