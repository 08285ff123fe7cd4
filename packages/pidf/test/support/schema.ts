// XML Schema validation with libxml2 (compiled to WebAssembly, in-process, offline):
// the schemas are served from test/fixtures/xsd through an in-memory input provider,
// so their relative schemaLocations and RFC 5262's URN include resolve without a network.
import { XmlC14NMode, XmlDocument } from 'libxml2-wasm';
import { xmlSchema } from '@simple/testkit';

/** The validation errors of a document against pidf + data-model + rpid + cipid + caps + timed-status + pidf-diff ([] if valid). */
export const schemaErrors = xmlSchema({
  dir: new URL('../fixtures/xsd/', import.meta.url),
  driver: 'presence-all.xsd',
  // RFC 5262 §7 includes the RFC 5261 types by URN (schemaLocation="urn:ietf:params:xml:schema:patch-ops").
  aliases: { 'urn:ietf:params:xml:schema:patch-ops': 'rfc5261-patch-ops-types.xsd' },
});

/** Canonical XML 1.0 (libxml2's implementation): an independent check of exact round trips. */
export function c14n(xml: string | Buffer): string {
  const doc = typeof xml === 'string' ? XmlDocument.fromString(xml) : XmlDocument.fromBuffer(xml);
  try {
    return doc.canonicalizeToString({ mode: XmlC14NMode.XML_C14N_1_0 });
  } finally {
    doc.dispose();
  }
}
