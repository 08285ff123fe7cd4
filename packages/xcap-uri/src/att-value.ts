/** The result of parsing untrusted text. */
export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Parses an XML 1.0 AttValue (`"..."` or `'...'`, no `<`, `&` only in character or
 * predefined entity references) and returns its value. RFC 4825 uses it in
 * attribute tests (§6.3) and as the body of application/xcap-att+xml (§8.2.2).
 * Attribute-value normalization turns literal tabs and line breaks into spaces.
 */
export function parseAttValue(text: string): ParseResult<string> {
  if (text.length < 2) return { ok: false, error: 'too short for an AttValue' };
  const q = text[0];
  if ((q !== '"' && q !== "'") || text[text.length - 1] !== q) return { ok: false, error: 'an AttValue is quoted' };
  const inner = text.slice(1, -1);
  if (inner.includes(q) || inner.includes('<')) return { ok: false, error: `an AttValue holds no ${q} or <` };
  let bad = false;
  const value = inner.replace(/&([^;]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) {
      bad = true;
      return '';
    }
    if (ref in PREDEFINED) return PREDEFINED[ref] as string;
    const num = /^#x([0-9a-fA-F]+)$/.exec(ref) ?? /^#([0-9]+)$/.exec(ref);
    if (num !== null) {
      const cp = parseInt(num[1] as string, ref.startsWith('#x') ? 16 : 10);
      if (cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) return String.fromCodePoint(cp);
    }
    bad = true;
    return '';
  });
  if (bad) return { ok: false, error: 'bad reference in an AttValue' };
  return { ok: true, value: value.replace(/[\t\n\r]/g, ' ') };
}
