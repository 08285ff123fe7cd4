// RFC 5261 XML patch operations: <add>, <replace>, <remove> with XPath-subset selectors.
export { applyPatch, parsePatch, type PatchOptions, type PatchResult } from './apply-patch.js';
export { canonicalXml, type CanonicalXmlOptions } from './canonical-xml.js';
export { generatePatch, type GeneratePatchOptions } from './generate-patch.js';
export {
  PATCH_ERROR_CODES,
  PATCH_OPS_ERROR_MEDIA_TYPE,
  PATCH_OPS_ERROR_NS,
  PatchError,
  SIMPLE_PATCH_ERROR_CODES,
  type PatchErrorCode,
} from './patch-error.js';
export { patchErrorDocument } from './patch-error-document.js';
