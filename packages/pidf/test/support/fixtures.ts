// Test vectors copied into test/fixtures (see test/fixtures/xsd/README.md and MANIFEST.tsv).
import { readFileSync } from 'node:fs';

const DIR = new URL('../fixtures/', import.meta.url);

export function fixture(name: string): Buffer {
  return readFileSync(new URL(name, DIR));
}

export interface ManifestRow {
  readonly file: string;
  readonly rfc: string;
  readonly section: string;
  readonly description: string;
  readonly wellFormed: string;
  readonly schemaCheck: string;
}

/** The rows of test/fixtures/MANIFEST.tsv (copied from the test-vector collection). */
export function manifest(): ManifestRow[] {
  const [, ...lines] = readFileSync(new URL('MANIFEST.tsv', DIR), 'utf8').trimEnd().split('\n');
  return lines.map((line) => {
    const [file = '', rfc = '', section = '', , description = '', wellFormed = '', schemaCheck = ''] = line.split('\t');
    return { file, rfc, section, description, wellFormed, schemaCheck };
  });
}
