import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseMessage, type SipRequest } from '@simple/sip-message';
import { parseXml, type Element } from '@simple/xml';

/** A file of test/fixtures/ as text. */
export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

/**
 * A SIP request from an RFC figure: LF line endings made CRLF, Content-Length
 * recomputed (the RFC prints a figure's, not the bytes'), strings replaced
 * (e.g. the RFC's example domains by a test domain).
 */
export function sipFixture(name: string, replace: ReadonlyArray<readonly [RegExp, string]> = []): SipRequest {
  let text = fixture(name);
  for (const [from, to] of replace) text = text.replace(from, to);
  text = text.replace(/\r?\n/g, '\r\n');
  const sep = text.indexOf('\r\n\r\n');
  const body = text.slice(sep + 4);
  const head = text.slice(0, sep).replace(/^Content-Length:.*$/im, `Content-Length: ${Buffer.byteLength(body)}`);
  const p = parseMessage(Buffer.from(`${head}\r\n\r\n${body}`));
  assert.ok(p.ok, p.ok ? '' : p.error.reason);
  assert.equal(p.value.kind, 'request');
  return p.value as SipRequest;
}

/** The entries of a resource-lists document: [uri, copyControl, anonymize, count] (RFC 4826, RFC 5364). */
export function listEntries(xml: string | Buffer): Array<[string, string, string, string]> {
  const doc = parseXml(xml);
  assert.ok(doc.ok);
  const cp = 'urn:ietf:params:xml:ns:copycontrol';
  const out: Array<[string, string, string, string]> = [];
  const entries = doc.value.getElementsByTagNameNS('urn:ietf:params:xml:ns:resource-lists', 'entry');
  for (let i = 0; i < entries.length; i++) {
    const e = entries.item(i) as Element;
    out.push([e.getAttribute('uri') ?? '', e.getAttributeNS(cp, 'copyControl') ?? '', e.getAttributeNS(cp, 'anonymize') ?? '', e.getAttributeNS(cp, 'count') ?? '']);
  }
  return out;
}
