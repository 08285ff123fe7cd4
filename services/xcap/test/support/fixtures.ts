// Test vectors copied into test/fixtures from the shared collection (RFC 4825 §13, RFC 4826, RFC 5025).
import { readFileSync } from 'node:fs';

const DIR = new URL('../fixtures/', import.meta.url);

export function fixture(name: string): string {
  return readFileSync(new URL(name, DIR), 'utf8');
}

/** One HTTP exchange of the §13 walk-through as the RFC prints it (a request-line folded over lines). */
export interface Exchange {
  readonly method: string;
  readonly url: string;
  readonly status: number | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Reads an RFC figure: the request target is unfolded (the RFC breaks long URIs over lines). */
export function exchange(name: string, replace: (s: string) => string = (s) => s): Exchange {
  const text = replace(fixture(name)).replace(/\r\n/g, '\n');
  const blank = text.indexOf('\n\n');
  const head = blank < 0 ? text.trimEnd() : text.slice(0, blank);
  const body = blank < 0 ? '' : text.slice(blank + 2);
  const lines = head.split('\n');
  let method = '';
  let url = '';
  let status: number | undefined;
  let i = 0;
  if (lines[0]?.startsWith('HTTP/1.1')) {
    status = Number(lines[0].split(' ')[1]);
    i = 1;
  } else {
    method = (lines[0] ?? '').trim();
    i = 1;
    for (; i < lines.length; i++) {
      const l = (lines[i] ?? '').trim();
      const end = l.indexOf(' HTTP/1.1');
      url += end < 0 ? l : l.slice(0, end);
      if (end >= 0) {
        i++;
        break;
      }
    }
  }
  const headers: Record<string, string> = {};
  for (; i < lines.length; i++) {
    const l = lines[i] ?? '';
    const c = l.indexOf(':');
    if (c > 0) headers[l.slice(0, c).trim().toLowerCase()] = l.slice(c + 1).trim();
  }
  return { method, url, status, headers, body };
}
