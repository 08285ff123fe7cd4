import { displayName, isKnownHeader } from './header-names.js';
import type { SipMessage } from './message.js';
import { SipRequest } from './message.js';

/** The start-line and header section, with Content-Length set from the body (RFC 3261 §20.14). */
export function serializeHead(msg: SipMessage): string {
  let s = msg instanceof SipRequest
    ? `${msg.method} ${msg.uri.toString()} SIP/2.0\r\n`
    : `SIP/2.0 ${(msg as SipMessage & { status: number }).status} ${(msg as SipMessage & { reason: string }).reason}\r\n`;
  let wroteLength = false;
  for (const f of msg.headers) {
    if (f.name === 'content-length') {
      if (wroteLength) continue;
      wroteLength = true;
      s += `Content-Length: ${msg.body.length}\r\n`;
      continue;
    }
    // Known headers in their canonical spelling; unknown ones as they came.
    s += `${isKnownHeader(f.name) ? displayName(f.name) : f.rawName}: ${f.value}\r\n`;
  }
  if (!wroteLength) s += `Content-Length: ${msg.body.length}\r\n`;
  return s + '\r\n';
}

/** The message as bytes on the wire; the body is copied byte for byte. */
export function serializeMessage(msg: SipMessage): Buffer {
  const head = serializeHead(msg);
  if (msg.body.length === 0) return Buffer.from(head, 'utf8');
  return Buffer.concat([Buffer.from(head, 'utf8'), msg.body]);
}
