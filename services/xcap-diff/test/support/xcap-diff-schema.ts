// The RFC 5874 §4 schema (with the RFC 5261 types it includes by URN), for checking xcap-diff documents.
import { xmlSchema } from '@simple/testkit';

export const xcapDiffSchemaErrors = xmlSchema({
  dir: new URL('../fixtures/xsd/', import.meta.url),
  driver: 'rfc5874-xcap-diff.xsd',
  aliases: { 'urn:ietf:params:xml:schema:patch-ops': 'rfc5261-patch-ops-types.xsd' },
});
