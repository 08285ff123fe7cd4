import { readdirSync, readFileSync } from 'node:fs';
import { XmlBufferInputProvider, XmlDocument, xmlRegisterInputProvider, XsdValidator } from 'libxml2-wasm';

/** Where the schemas the server validates with live (services/xcap/schemas, shipped with the service). */
const SCHEMA_DIR = new URL('../schemas/', import.meta.url);
const BASE = 'xcap-xsd:/';

/** One schema file per namespace: what an application usage validates against. */
export interface SchemaImport {
  readonly namespace: string;
  /** A file in services/xcap/schemas. */
  readonly file: string;
}

let registered = false;

/** Serves services/xcap/schemas to libxml2 from memory, so that imports resolve without a network. */
function registerSchemas(): void {
  if (registered) return;
  const files: Record<string, Uint8Array> = {};
  for (const f of readdirSync(SCHEMA_DIR)) if (f.endsWith('.xsd')) files[`${BASE}${f}`] = readFileSync(new URL(f, SCHEMA_DIR));
  // RFC 4826 and RFC 3863 import xml:lang from the W3C's location.
  const xml = files[`${BASE}xml.xsd`];
  if (xml !== undefined) files['http://www.w3.org/2001/xml.xsd'] = xml;
  xmlRegisterInputProvider(new XmlBufferInputProvider(files));
  registered = true;
}

/**
 * In-process XML Schema validation with libxml2 (WebAssembly). RFC 4825 §8.2.5:
 * "the server checks that the final document is compliant with the schema".
 * A validator is compiled once from a driver schema that imports every
 * namespace of the usage, and lives as long as the process.
 */
export class SchemaValidator {
  private readonly validator: XsdValidator;

  constructor(imports: readonly SchemaImport[]) {
    registerSchemas();
    const driver = `<?xml version="1.0" encoding="UTF-8"?>\n<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">${imports
      .map((i) => `<xs:import namespace="${i.namespace}" schemaLocation="${BASE}${i.file}"/>`)
      .join('')}</xs:schema>`;
    const doc = XmlDocument.fromString(driver, { url: `${BASE}driver-${imports.map((i) => i.file).join('+')}` });
    this.validator = XsdValidator.fromDoc(doc);
  }

  /** The validation errors of a serialized document ([] when it is valid). */
  errors(xml: string): string[] {
    let doc: XmlDocument;
    try {
      doc = XmlDocument.fromBuffer(Buffer.from(xml, 'utf8'));
    } catch (e) {
      return [e instanceof Error ? e.message : String(e)];
    }
    try {
      this.validator.validate(doc);
      return [];
    } catch (e) {
      const details = (e as { details?: Array<{ message: string }> }).details;
      return details?.map((d) => d.message.trim()) ?? [e instanceof Error ? e.message : String(e)];
    } finally {
      doc.dispose();
    }
  }
}
