import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mediaParam, messageParts, parseContentDisposition, parseContentType, parseMessage, serializeMessage, type SipRequest } from '@simple/sip-message';
import { recipientCopy } from '../src/recipient-copy.js';
import { ANONYMOUS_URI, parseRecipientListMessage, recipientHistory, requiresRecipientList } from '../src/recipient-list.js';
import { fixture, listEntries, sipFixture } from './fixture.js';

const FIG2 = 'rfc5365-9-fig2-message-to-uri-list-server.txt';

/** A MESSAGE to the list service with the given resource-lists body and text. */
function listMessage(entries: string, opts: { require?: boolean; disposition?: string } = {}): SipRequest {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\r\n<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists" xmlns:cp="urn:ietf:params:xml:ns:copycontrol"><list>${entries}</list></resource-lists>`;
  const body = [
    '--b1', 'Content-Type: text/plain', '', 'hi all', '--b1', 'Content-Type: application/resource-lists+xml', `Content-Disposition: ${opts.disposition ?? 'recipient-list'}`, '', xml, '--b1--', '',
  ].join('\r\n');
  const text = [
    'MESSAGE sip:list.example.com SIP/2.0', 'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa1', 'Max-Forwards: 70', 'From: <sip:alice@example.com>;tag=1', 'To: <sip:list.example.com>',
    'Call-ID: c1', 'CSeq: 1 MESSAGE', ...(opts.require === false ? [] : ['Require: recipient-list-message']), 'Content-Type: multipart/mixed;boundary=b1', `Content-Length: ${Buffer.byteLength(body)}`, '', body,
  ].join('\r\n');
  const p = parseMessage(Buffer.from(text));
  assert.ok(p.ok && p.value.kind === 'request');
  return p.value;
}

describe('RFC 5365 recipient list - parsing and the recipient-history', () => {
  it('recipient list - the RFC 5365 §9 Figure 2 request: seven recipients with their copyControl and anonymize', () => {
    const req = sipFixture(FIG2);
    assert.equal(requiresRecipientList(req), true);
    const r = parseRecipientListMessage(req, 100);
    assert.ok(r.ok);
    assert.deepEqual(
      r.value.recipients.map((x) => [x.uri, x.copyControl, x.anonymize]),
      [
        ['sip:bill@example.com', 'to', false],
        ['sip:randy@example.net', 'to', true],
        ['sip:eddy@example.com', 'to', true],
        ['sip:joe@example.org', 'cc', false],
        ['sip:carol@example.net', 'cc', true],
        ['sip:ted@example.net', 'bcc', false],
        ['sip:andy@example.com', 'bcc', false],
      ],
    );
    assert.equal(r.value.otherParts.length, 1);
    assert.equal(r.value.otherParts[0]?.body.toString().trim(), 'Hello World!');
  });

  it('recipient-history - the Figure 2 list gives Figure 3\'s history (bcc removed, anonymized grouped with cp:count)', () => {
    const r = parseRecipientListMessage(sipFixture(FIG2), 100);
    assert.ok(r.ok);
    const history = recipientHistory(r.value.recipients);
    assert.ok(history !== undefined);
    assert.deepEqual(listEntries(history), listEntries(fixture('rfc5365-9-fig3-recipient-list-history.xml')));
    assert.doesNotMatch(history, /ted@|andy@|randy@|eddy@|carol@/);
  });

  it('recipient-history - RFC 5364 §6: the list of Figure 3 gives the history of Figure 4', () => {
    const xml = fixture('rfc5364-6-recipient-list.xml').replace(/^<\?xml[^>]*>\s*/, '').replace(/<resource-lists[^>]*>\s*<list>|<\/list>\s*<\/resource-lists>\s*$/g, '');
    const r = parseRecipientListMessage(listMessage(xml), 100);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    assert.deepEqual(listEntries(recipientHistory(r.value.recipients) ?? ''), listEntries(fixture('rfc5364-6-recipient-history.xml')));
    assert.ok(listEntries(fixture('rfc5364-6-recipient-history.xml')).some(([uri]) => uri === ANONYMOUS_URI));
  });

  it('duplicates - one recipient per URI, the highest copyControl (to > cc > bcc), anonymized if any entry asks (RFC 5364 §4)', () => {
    const r = parseRecipientListMessage(
      listMessage('<entry uri="sip:bob@example.com" cp:copyControl="bcc"/><entry uri="sip:BOB@EXAMPLE.com;method=INVITE" cp:copyControl="cc"/><entry uri="sip:bob@example.com" cp:copyControl="to" cp:anonymize="true"/><entry uri="sip:dan@example.com"/>'),
      100,
    );
    assert.ok(r.ok);
    // Case of the user part matters (RFC 3261 §19.1.4): BOB is another user; the host's does not.
    assert.deepEqual(r.value.recipients.map((x) => [x.aor, x.copyControl, x.anonymize]), [['bob@example.com', 'to', true], ['BOB@example.com', 'cc', false], ['dan@example.com', 'bcc', false]]);
    assert.equal(r.value.recipients[1]?.uri, 'sip:BOB@EXAMPLE.com', 'as written, without the "method" parameter (RFC 5365 §7.3)');
  });

  it('limits - more recipients than configured: 403; no list or an empty one: 400', () => {
    const three = '<entry uri="sip:a@example.com"/><entry uri="sip:b@example.com"/><entry uri="sip:c@example.com"/>';
    const over = parseRecipientListMessage(listMessage(three), 2);
    assert.deepEqual([over.ok, !over.ok && over.status], [false, 403]);
    assert.equal(parseRecipientListMessage(listMessage(three), 3).ok, true);
    const empty = parseRecipientListMessage(listMessage(''), 10);
    assert.deepEqual([empty.ok, !empty.ok && empty.status], [false, 400]);
    const wrongDisposition = parseRecipientListMessage(listMessage(three, { disposition: 'render' }), 10);
    assert.deepEqual([wrongDisposition.ok, !wrongDisposition.ok && wrongDisposition.status], [false, 400]);
    const notXml = parseRecipientListMessage(listMessage('<entry uri="sip:a@example.com">'), 10);
    assert.deepEqual([notXml.ok, !notXml.ok && notXml.status], [false, 400]);
    assert.equal(requiresRecipientList(listMessage(three, { require: false })), false);
  });

  it('copy - RFC 5365 §7.2/§7.3 and Figure 3: To the recipient, same From with a new tag, new Call-ID, CSeq 1, the text and the history', () => {
    const req = sipFixture(FIG2);
    const r = parseRecipientListMessage(req, 100);
    assert.ok(r.ok);
    const bill = r.value.recipients[0];
    assert.ok(bill);
    const copy = recipientCopy(req, bill, r.value.otherParts, recipientHistory(r.value.recipients));
    assert.ok(copy);
    const fig3 = sipFixture('rfc5365-9-fig3-message-from-uri-list-server.txt');
    assert.equal(copy.uri.toString(), fig3.uri.toString());
    assert.equal(copy.to.uri.toString(), fig3.to.uri.toString());
    assert.equal(copy.from.uri.toString(), fig3.from.uri.toString());
    assert.equal(copy.from.displayName, 'Alice');
    assert.notEqual(copy.from.tag, req.from.tag);
    assert.notEqual(copy.callId, req.callId);
    assert.equal(copy.cseq.seq, 1);
    assert.equal(copy.headers.has('require'), false);
    const parts = messageParts(copy);
    assert.ok(parts.ok);
    assert.equal(parts.value.length, 2);
    assert.equal(parts.value[0]?.body.toString().trim(), 'Hello World!');
    const cd = parseContentDisposition(parts.value[1]?.headers.get('content-disposition') ?? '');
    assert.ok(cd.ok);
    assert.equal(cd.value.type, 'recipient-list-history');
    assert.equal(cd.value.params.get('handling'), 'optional');
    const fig3Parts = messageParts(fig3);
    assert.ok(fig3Parts.ok);
    assert.deepEqual(listEntries(parts.value[1]?.body ?? ''), listEntries(fig3Parts.value[1]?.body ?? ''));
    // It survives serialization and parsing (it is stored as bytes).
    const again = parseMessage(serializeMessage(copy));
    assert.ok(again.ok && again.value.kind === 'request');
  });

  it('copy - only bcc recipients: no history, and the single text part without its multipart/mixed wrapper (RFC 5365 §7.3)', () => {
    const req = listMessage('<entry uri="sip:a@example.com" cp:copyControl="bcc"/><entry uri="sip:b@example.com"/>');
    const r = parseRecipientListMessage(req, 10);
    assert.ok(r.ok);
    assert.equal(recipientHistory(r.value.recipients), undefined);
    const copy = recipientCopy(req, r.value.recipients[0] ?? assert.fail(), r.value.otherParts, undefined);
    assert.ok(copy);
    const ct = parseContentType(copy.headers.get('content-type') ?? '');
    assert.ok(ct.ok);
    assert.equal(`${ct.value.type}/${ct.value.subtype}`, 'text/plain');
    assert.equal(mediaParam(ct.value, 'boundary'), undefined);
    assert.equal(copy.body.toString(), 'hi all');
  });
});
