// XML Schema validation for tests, with libxml2 compiled to WebAssembly (in-process, offline):
// a folder of .xsd files is served from memory, so relative schemaLocations, and URNs mapped
// to files (RFC 5262 and RFC 5874 include the RFC 5261 types by URN), resolve without a network.
import { readdirSync, readFileSync } from 'node:fs';
import { XmlBufferInputProvider, XmlDocument, xmlRegisterInputProvider, XsdValidator } from 'libxml2-wasm';

export interface SchemaSetOptions {
  /** The folder of the .xsd files. */
  readonly dir: URL;
  /** The schema validated against (a file of `dir`; a driver that imports the others, or one schema). */
  readonly driver: string;
  /** schemaLocation URNs (or URLs) that name a file of `dir`. */
  readonly aliases?: Readonly<Record<string, string>>;
}

/** The XML Schema errors of a document ([] when it is valid); the schemas are compiled on first use and kept. */
export type SchemaCheck = (xml: string | Buffer) => string[];

/** libxml2 keeps one set of input providers per process: every schema set adds its files to this one. */
let provider: XmlBufferInputProvider | undefined;

export function xmlSchema(o: SchemaSetOptions): SchemaCheck {
  const base = `xsd-${o.dir.pathname.replace(/[^A-Za-z0-9]/g, '_')}:/`;
  let validator: XsdValidator | undefined;
  const load = (): XsdValidator => {
    if (validator !== undefined) return validator;
    if (provider === undefined) {
      provider = new XmlBufferInputProvider({});
      xmlRegisterInputProvider(provider);
    }
    for (const f of readdirSync(o.dir)) if (f.endsWith('.xsd')) provider.addBuffer(`${base}${f}`, readFileSync(new URL(f, o.dir)));
    for (const [urn, file] of Object.entries(o.aliases ?? {})) provider.addBuffer(urn, readFileSync(new URL(file, o.dir)));
    // The driver stays alive with the validator for the whole test process.
    const driver = XmlDocument.fromBuffer(readFileSync(new URL(o.driver, o.dir)), { url: `${base}${o.driver}` });
    validator = XsdValidator.fromDoc(driver);
    return validator;
  };
  return (xml) => {
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
  };
}
