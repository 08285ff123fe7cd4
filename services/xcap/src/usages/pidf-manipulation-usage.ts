import { PIDF_NS } from '@simple/xcap-uri';
import type { Document, Element } from '@simple/xml';
import type { XcapError } from '../errors/xcap-error.js';
import type { ApplicationUsage } from './application-usage.js';
import { uniqueAmongSiblings } from './unique-values.js';

export { PIDF_NS };

/** RFC 4827: the pidf-manipulation application usage (a user's offline presence document). */
export class PidfManipulationUsage implements ApplicationUsage {
  readonly auid = 'pidf-manipulation';
  readonly mimeType = 'application/pidf+xml';
  readonly defaultNamespace = PIDF_NS;
  readonly schemas = [{ namespace: PIDF_NS, file: 'rfc3863-pidf.xsd' }] as const;
  readonly userWritable = true;
  readonly globalPublic = false;

  checkConstraints(doc: Document): Promise<XcapError | undefined> {
    // RFC 3863 §4.1.2: tuple ids are unique within the document.
    return Promise.resolve(uniqueAmongSiblings(doc.documentElement as Element, { namespace: PIDF_NS, local: 'tuple', attr: 'id', field: 'presence/tuple/@id' }));
  }
}
