import type { Document } from '@simple/xml';
import type { DocumentRef, DocumentStore } from '../document-store.js';
import type { XcapError } from '../errors/xcap-error.js';
import type { SchemaImport } from '../schema-validator.js';

/** What a usage's constraint check sees besides the document (RFC 4825 §8.2.5). */
export interface ConstraintContext {
  readonly ref: DocumentRef;
  /** The domain of the user's tree (undefined for the global tree). */
  readonly domain: string | undefined;
  readonly store: DocumentStore;
}

/**
 * An XCAP application usage (RFC 4825 §5): its AUID, MIME type, default document
 * namespace, schema, data constraints, and who may read and write which tree.
 * One class per usage (openxcap's habit).
 */
export interface ApplicationUsage {
  /** §5.1 the application unique ID. */
  readonly auid: string;
  /** §5.3 the MIME type of its documents. */
  readonly mimeType: string;
  /** §5.4 / §6.3: the namespace of unprefixed names in node selectors. */
  readonly defaultNamespace: string;
  /** §5.2 the schemas, one per namespace, validated against by §8.2.5 (empty: generated documents only). */
  readonly schemas: readonly SchemaImport[];
  /** §5.7 authorization: whether clients may write the user trees (every usage lets a user write their own tree unless false). */
  readonly userWritable: boolean;
  /** §5.7 authorization: whether anyone, without authentication, may read the global tree. */
  readonly globalPublic: boolean;
  /** §5.5 data constraints beyond the schema: undefined when the document meets them. */
  checkConstraints(doc: Document, ctx: ConstraintContext): Promise<XcapError | undefined>;
  /**
   * §5.8 resource interdependencies, after a committed change (`doc` undefined: the document was
   * deleted; `etag` the version written, undefined after a delete). Writers on other replicas may
   * commit in between: an implementation brings what depends on the document to the version it
   * finds stored, whatever it was before.
   */
  afterWrite?(doc: Document | undefined, ctx: ConstraintContext & { readonly etag: string | undefined }): Promise<void>;
  /**
   * A document of the global tree that the server generates (xcap-caps' index, RFC 4825 §12;
   * rls-services' index, RFC 4826 §4.4.8); undefined when the path has none. User trees hold
   * only stored documents.
   */
  generated?(ref: DocumentRef): string | undefined | Promise<string | undefined>;
}
