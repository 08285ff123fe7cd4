import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One row of the RFC 4475 fixture manifest. */
export interface TortureVector {
  readonly file: string;
  readonly section: string;
  readonly expected: 'valid' | 'invalid' | 'valid-but-semantically-bad';
  readonly summary: string;
  readonly bytes: Buffer;
}

const dir = fileURLToPath(new URL('./fixtures/sip-torture/', import.meta.url));

/** The 49 RFC 4475 messages (test.dat, described by no section, is left out). */
export function tortureVectors(): TortureVector[] {
  const rows = readFileSync(dir + 'MANIFEST.tsv', 'utf8').trim().split('\n').slice(1);
  const out: TortureVector[] = [];
  for (const row of rows) {
    const [file = '', section = '', expected = '', summary = ''] = row.split('\t');
    if (!file.endsWith('.dat') || section === '-') continue;
    out.push({ file, section, expected: expected as TortureVector['expected'], summary, bytes: readFileSync(dir + file) });
  }
  return out;
}
