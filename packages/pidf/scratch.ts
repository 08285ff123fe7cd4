import { readFileSync, readdirSync } from 'node:fs';
import { XmlDocument, XsdValidator, XmlBufferInputProvider, xmlRegisterInputProvider } from 'libxml2-wasm';
const dir = new URL('./test/fixtures/xsd/', import.meta.url);
const files: Record<string, Uint8Array> = {};
for (const f of readdirSync(dir)) if (f.endsWith('.xsd')) files[`pidf-xsd:/${f}`] = readFileSync(new URL(f, dir));
files['urn:ietf:params:xml:schema:patch-ops'] = readFileSync(new URL('rfc5261-patch-ops-types.xsd', dir));
const prov = new XmlBufferInputProvider(files);
const orig = prov.match.bind(prov);
prov.match = (f: string) => { const m = orig(f); console.log('match?', f, m); return m; };
xmlRegisterInputProvider(prov);
const driver = `<?xml version="1.0"?><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
<xs:import namespace="urn:ietf:params:xml:ns:pidf" schemaLocation="pidf.xsd"/>
<xs:import namespace="urn:ietf:params:xml:ns:pidf:data-model" schemaLocation="data-model.xsd"/>
<xs:import namespace="urn:ietf:params:xml:ns:pidf:rpid" schemaLocation="rpid.xsd"/>
<xs:import namespace="urn:ietf:params:xml:ns:pidf:cipid" schemaLocation="cipid.xsd"/>
<xs:import namespace="urn:ietf:params:xml:ns:pidf:caps" schemaLocation="caps.xsd"/>
<xs:import namespace="urn:ietf:params:xml:ns:pidf:timed-status" schemaLocation="timed-status.xsd"/>
<xs:import namespace="urn:ietf:params:xml:ns:pidf-diff" schemaLocation="rfc5262-pidf-diff.xsd"/>
</xs:schema>`;
const xsd = XmlDocument.fromString(driver, { url: 'pidf-xsd:/driver.xsd' });
const v = XsdValidator.fromDoc(xsd);
const fx = new URL('./test/fixtures/', import.meta.url);
for (const f of readdirSync(fx)) {
  if (!f.endsWith('.xml')) continue;
  let doc;
  try { doc = XmlDocument.fromBuffer(readFileSync(new URL(f, fx))); } catch (e) { console.log(f, 'PARSE', (e as Error).message); continue; }
  try { v.validate(doc); console.log(f, 'valid'); } catch (e) { console.log(f, 'INVALID', (e as Error).message); }
  doc.dispose();
}
