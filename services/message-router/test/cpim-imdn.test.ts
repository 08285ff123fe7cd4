import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMessage, type SipRequest } from '@simple/sip-message';
import { parseXml, type Element } from '@simple/xml';
import { cpimHeaders, cpimMimeHeader, cpimUri, parseCpim } from '../src/cpim.js';
import { IMDN_HEADERS_NS, IMDN_XML_NS, cpimOf, imdnRequest, processingNotification } from '../src/imdn.js';
import { fixture } from './fixture.js';

/** A MESSAGE from alice to bob carrying this CPIM body. */
function cpimMessage(cpim: string, to = 'bob@example.com', from = 'alice@example.com'): SipRequest {
  const body = cpim.replace(/\r?\n/g, '\r\n');
  const text = [
    `MESSAGE sip:${to} SIP/2.0`, 'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKc1', 'Max-Forwards: 70', `From: <sip:${from}>;tag=1`, `To: <sip:${to}>`,
    'Call-ID: cpim1', 'CSeq: 1 MESSAGE', 'Content-Type: message/cpim', `Content-Length: ${Buffer.byteLength(body)}`, '', body,
  ].join('\r\n');
  const p = parseMessage(Buffer.from(text));
  assert.ok(p.ok && p.value.kind === 'request');
  return p.value;
}

/** The child elements' local names of an element, and text of the leaf ones. */
function shape(e: Element): unknown {
  const kids: Element[] = [];
  for (let c = e.firstChild; c !== null; c = c.nextSibling) if (c.nodeType === 1) kids.push(c as Element);
  return kids.length === 0 ? [e.localName, (e.textContent ?? '').trim()] : [e.localName, kids.map(shape)];
}

describe('CPIM (RFC 3862) and IMDN (RFC 5438)', () => {
  it('CPIM - RFC 3862 §5.1: message headers with their namespaces, the MIME headers and the content', () => {
    const p = parseCpim(Buffer.from(fixture('rfc3862-5.1-message-cpim.txt')));
    assert.ok(p.ok, p.ok ? '' : p.error);
    const m = p.value;
    assert.equal(cpimUri(cpimHeaders(m, '', 'From')[0] ?? ''), 'im:piglet@100akerwood.com');
    assert.equal(cpimUri(cpimHeaders(m, '', 'To')[0] ?? ''), 'im:eeyore@100akerwood.com');
    assert.equal(cpimHeaders(m, '', 'Subject').length, 2);
    assert.deepEqual(cpimHeaders(m, 'mid:MessageFeatures@id.foo.com', 'VitalMessageOption'), ['Confirmation-requested']);
    assert.deepEqual(cpimHeaders(m, 'mid:MessageFeatures@id.foo.com', 'WackyMessageOption'), ['Use-silly-font']);
    assert.equal(cpimMimeHeader(m, 'content-type'), 'text/xml; charset=utf-8');
    assert.equal(cpimMimeHeader(m, 'Content-ID'), '<1234567890@foo.com>');
    assert.match(m.content.toString(), /^<body>\nHere is the text of my message\.\n<\/body>/);
  });

  it('CPIM - malformed bodies are errors, not exceptions', () => {
    assert.equal(parseCpim(Buffer.from('no empty line')).ok, false);
    assert.equal(parseCpim(Buffer.from('From <x>\r\n\r\nContent-type: text/plain\r\n\r\nx')).ok, false);
  });

  it('IMDN request - RFC 5438 §7.1.1.3: positive and negative delivery asked, Message-ID and DateTime read', () => {
    const p = parseCpim(Buffer.from(fixture('rfc5438-7.1.1.3-im-requesting-imdn.txt')));
    assert.ok(p.ok);
    const r = imdnRequest(p.value);
    assert.ok(r);
    assert.deepEqual([...r.dispositions].sort(), ['negative-delivery', 'positive-delivery']);
    assert.equal(r.messageId, '34jk324j');
    assert.equal(r.dateTime, '2006-04-04T12:16:49-05:00');
    assert.equal(r.from, 'im:alice@example.com');
    assert.equal(r.to, 'im:bob@example.com');
  });

  it('IMDN request - any prefix bound to urn:ietf:params:imdn counts; an IMDN asks for none (§7.2.1); no Message-ID, none', () => {
    const other = parseCpim(Buffer.from('From: <sip:a@x>\r\nTo: <sip:b@x>\r\nNS: n <urn:ietf:params:imdn>\r\nn.Message-ID: m1\r\nn.Disposition-Notification: processing;x=1\r\n\r\nContent-type: text/plain\r\n\r\nhi'));
    assert.ok(other.ok);
    assert.deepEqual([...(imdnRequest(other.value)?.dispositions ?? [])], ['processing']);
    const imdn = parseCpim(Buffer.from(fixture('rfc5438-8.1-processing-imdn.txt')));
    assert.ok(imdn.ok);
    assert.equal(imdnRequest(imdn.value), undefined);
    const noId = parseCpim(Buffer.from('From: <sip:a@x>\r\nNS: imdn <urn:ietf:params:imdn>\r\nimdn.Disposition-Notification: processing\r\n\r\nContent-type: text/plain\r\n\r\nhi'));
    assert.ok(noId.ok);
    assert.equal(imdnRequest(noId.value), undefined);
  });

  it('processing notification - RFC 5438 §8.1 shape, status stored, to the top IMDN-Route with the IMDN-Record-Routes as IMDN-Route (§7.2.1)', () => {
    const im = cpimMessage(
      [
        'From: Alice <sip:alice@example.com>', 'To: Bob <sip:bob@example.com>', 'NS: imdn <urn:ietf:params:imdn>', 'imdn.Message-ID: 34jk324j',
        'DateTime: 2008-04-04T12:16:49-05:00', 'imdn.Disposition-Notification: processing, positive-delivery',
        'imdn.IMDN-Record-Route: <sip:relay1@example.org>', 'imdn.IMDN-Record-Route: <sip:relay2@example.org>', '', 'Content-type: text/plain', '', 'Hello World',
      ].join('\n'),
    );
    const cpim = cpimOf(im);
    assert.ok(cpim);
    const r = imdnRequest(cpim);
    assert.ok(r);
    const n = processingNotification(im, r, 'stored', 'sip:bob@example.com', new Date('2008-04-04T17:20:00Z'));
    assert.ok(n);
    assert.equal(n.uri.toString(), 'sip:relay1@example.org');
    assert.equal(n.from.uri.toString(), 'sip:bob@example.com');
    assert.equal(n.contentType, 'message/cpim');
    const body = cpimOf(n);
    assert.ok(body);
    assert.equal(cpimUri(cpimHeaders(body, '', 'To')[0] ?? ''), 'sip:alice@example.com');
    assert.equal(cpimUri(cpimHeaders(body, '', 'From')[0] ?? ''), 'sip:bob@example.com');
    assert.deepEqual(cpimHeaders(body, IMDN_HEADERS_NS, 'IMDN-Route'), ['<sip:relay1@example.org>', '<sip:relay2@example.org>']);
    assert.deepEqual(cpimHeaders(body, IMDN_HEADERS_NS, 'IMDN-Record-Route'), [], 'never in an IMDN');
    assert.deepEqual(cpimHeaders(body, IMDN_HEADERS_NS, 'Disposition-Notification'), [], 'no IMDN for an IMDN');
    const newId = cpimHeaders(body, IMDN_HEADERS_NS, 'Message-ID')[0] ?? '';
    assert.ok(newId.length >= 16 && newId !== '34jk324j', 'a Message-ID of its own, >= 64 random bits (§6.3)');
    assert.equal(cpimMimeHeader(body, 'Content-type'), 'message/imdn+xml');
    assert.equal(cpimMimeHeader(body, 'Content-Disposition'), 'notification');
    assert.equal(Number(cpimMimeHeader(body, 'Content-length')), body.content.length);
    const ours = parseXml(body.content);
    const rfc = parseXml(fixture('rfc5438-8.1-processing-notification.xml'));
    assert.ok(ours.ok && rfc.ok);
    assert.equal(ours.value.documentElement?.namespaceURI, IMDN_XML_NS);
    // The RFC's example, with the status stored instead of processed and our recipient's URIs.
    const expected = JSON.stringify(shape(rfc.value.documentElement as Element))
      .replace(/im:bob@example.com/g, 'sip:bob@example.com')
      .replace(',["original-recipient-uri","sip:bob@example.com"]', '')
      .replace('"processed"', '"stored"');
    assert.equal(JSON.stringify(shape(ours.value.documentElement as Element)), expected);
  });

  it('processing notification - without IMDN-Record-Route to the CPIM From; an im: From falls back to the SIP From', () => {
    const p = parseCpim(Buffer.from(fixture('rfc5438-7.1.1.3-im-requesting-imdn.txt')));
    assert.ok(p.ok);
    const r = imdnRequest(p.value);
    assert.ok(r);
    const im = cpimMessage(fixture('rfc5438-7.1.1.3-im-requesting-imdn.txt'));
    assert.equal(processingNotification(im, r, 'stored', 'sip:bob@example.com', new Date())?.uri.toString(), 'sip:alice@example.com');
    const sipFrom = { ...r, from: 'sip:alice@example.net' };
    assert.equal(processingNotification(im, sipFrom, 'stored', 'sip:bob@example.com', new Date())?.uri.toString(), 'sip:alice@example.net');
  });
});
