// Test vectors copied into test/fixtures from the shared collection (RFC 4825 §6).
import { readFileSync } from 'node:fs';

const DIR = new URL('../fixtures/', import.meta.url);

export function fixture(name: string): string {
  return readFileSync(new URL(name, DIR), 'utf8');
}
