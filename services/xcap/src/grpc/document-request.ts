import { parseXcapUri } from '@simple/xcap-uri';
import type { DocumentRef } from '../document-store.js';
import type { ApplicationUsage } from '../usages/application-usage.js';
import type { UsageRegistry } from '../usages/usage-registry.js';

export type RequestCheck<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Longest AUID, XUI or path taken (the HTTP API's request line is bounded likewise). */
const MAX_FIELD = 2048;

/**
 * A gRPC document request as the XCAP server's own document selector (RFC 4825 §6.2):
 * the fields are accepted exactly when the HTTP API could address the same document
 * (`<auid>/users/<xui>/<path>` or `<auid>/global/<path>`), and the AUID is a
 * registered application usage. Never throws.
 */
export function checkDocumentRequest(
  req: { readonly auid: string; readonly xui: string; readonly path: string },
  usages: UsageRegistry,
): RequestCheck<{ readonly ref: DocumentRef; readonly usage: ApplicationUsage }> {
  const long = tooLong({ auid: req.auid, xui: req.xui, path: req.path });
  if (long !== undefined) return long;
  if (req.path === '') return { ok: false, error: 'path: empty' };
  const parsed = parseUri(() => `/${encodeURIComponent(req.auid)}/${treeSegment(req.xui)}/${req.path.split('/').map(encodeURIComponent).join('/')}`);
  if (!parsed.ok) return { ok: false, error: fieldOf(parsed.error) };
  const uri = parsed.value;
  // "~~" as a segment would read as the §6.3 node-selector separator: such a path names no document.
  if (uri.kind !== 'document' || uri.nodeSelector !== undefined || uri.document.path !== req.path) return { ok: false, error: 'path: not a document path' };
  const usage = usages.get(uri.document.auid);
  if (usage === undefined) return { ok: false, error: `auid: unknown application usage "${req.auid}"` };
  return { ok: true, value: { ref: { auid: req.auid, xui: req.xui === '' ? undefined : req.xui, path: req.path }, usage } };
}

/** A tree (RFC 4825 §6.2): a user's XUI, or '' for the global tree; undefined in the result for global. */
export function checkTreeRequest(req: { readonly xui: string }): RequestCheck<string | undefined> {
  const long = tooLong({ xui: req.xui });
  if (long !== undefined) return long;
  if (req.xui === '') return { ok: true, value: undefined };
  const parsed = parseUri(() => `/xcap-directory/${treeSegment(req.xui)}/`);
  if (!parsed.ok) return { ok: false, error: fieldOf(parsed.error) };
  return { ok: true, value: req.xui };
}

/** The selector as an HTTP path under an empty XCAP root; encodeURIComponent throws on a lone surrogate. */
function parseUri(build: () => string): ReturnType<typeof parseXcapUri> {
  let path: string;
  try {
    path = build();
  } catch {
    return { ok: false, error: 'not valid Unicode' };
  }
  return parseXcapUri(path, '');
}

function treeSegment(xui: string): string {
  return xui === '' ? 'global' : `users/${encodeURIComponent(xui)}`;
}

function tooLong(fields: Readonly<Record<string, string>>): RequestCheck<never> | undefined {
  for (const [name, v] of Object.entries(fields)) if (v.length > MAX_FIELD) return { ok: false, error: `${name}: longer than ${MAX_FIELD} characters` };
  return undefined;
}

/** parseXcapUri's reason, named after the request field it concerns. */
function fieldOf(error: string): string {
  if (error === 'not valid Unicode') return error;
  if (/AUID/.test(error)) return `auid: ${error}`;
  if (/XUI/.test(error)) return `xui: ${error}`;
  return `path: ${error}`;
}
