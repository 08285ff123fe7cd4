// Public surface of @simple/xcap-grpc: the XCAP document-read contract
// (proto/simple/xcap/v1/xcap_documents.proto) as generated stubs, and the typed
// reader the platform's services use.
export {
  XcapDocumentsService,
  XcapDocumentsClient,
  type XcapDocumentsServer,
  type GetDocumentRequest,
  type GetDocumentResponse,
  type ListDocumentsRequest,
  type ListDocumentsResponse,
  type DocumentEntry,
  type GetDocumentVersionsRequest,
  type GetDocumentVersionsResponse,
  type DocumentVersion,
} from './generated/simple/xcap/v1/xcap_documents.js';
export { XcapDocumentReader, type XcapDocumentReaderOptions } from './xcap-document-reader.js';
export { documentKey, unquoteEtag, type XcapDocumentRef, type XcapDocumentResult, type XcapDirectoryEntry, type XcapDocumentVersions } from './xcap-document.js';
export { DocumentCache, type CachedDocument, type ReadTicket } from './document-cache.js';
export { CacheInvalidator, type ChangeEventBus } from './cache-invalidator.js';
export { XcapReadError, statusName } from './xcap-read-error.js';
