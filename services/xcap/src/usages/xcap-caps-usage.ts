import { XCAP_CAPS_NS } from '@simple/xcap-uri';
import type { Document } from '@simple/xml';
import type { DocumentRef } from '../document-store.js';
import { XCAP_ERROR_NS, type XcapError } from '../errors/xcap-error.js';
import type { ApplicationUsage } from './application-usage.js';

export { XCAP_CAPS_NS };

/**
 * RFC 4825 §12: the server's capabilities, generated from the registered usages
 * (global/index only); clients cannot write it.
 */
export class XcapCapsUsage implements ApplicationUsage {
  readonly auid = 'xcap-caps';
  readonly mimeType = 'application/xcap-caps+xml';
  readonly defaultNamespace = XCAP_CAPS_NS;
  readonly schemas = [{ namespace: XCAP_CAPS_NS, file: 'rfc4825-xcap-caps.xsd' }] as const;
  readonly userWritable = false;
  /** §12.5: "This application usage does not change the default authorization policy" ... the global document is readable by all. */
  readonly globalPublic = true;

  constructor(private readonly usages: () => ReadonlyArray<{ readonly auid: string; readonly defaultNamespace: string; readonly schemas: ReadonlyArray<{ readonly namespace: string }> }>) {}

  checkConstraints(_doc: Document): Promise<XcapError | undefined> {
    return Promise.resolve(undefined);
  }

  /** §12.1: the document lives at global/index. */
  generated(ref: DocumentRef): string | undefined {
    if (ref.xui !== undefined || ref.path !== 'index') return undefined;
    const usages = this.usages();
    const namespaces = [...new Set([...usages.flatMap((u) => u.schemas.map((s) => s.namespace)), XCAP_ERROR_NS])].sort();
    return (
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<xcap-caps xmlns="${XCAP_CAPS_NS}">\n` +
      ` <auids>\n${usages.map((u) => `  <auid>${u.auid}</auid>\n`).join('')} </auids>\n` +
      ` <extensions/>\n` +
      ` <namespaces>\n${namespaces.map((n) => `  <namespace>${n}</namespace>\n`).join('')} </namespaces>\n` +
      '</xcap-caps>\n'
    );
  }
}
