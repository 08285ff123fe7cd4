// Public surface of @simple/xcap-uri: where a thing is in XCAP (RFC 4825 §6), shared by the
// XCAP server (which reads and writes what a URI selects) and the xcap-diff notifier (which
// watches it, RFC 5875 §4.4).
export { parseXcapUri, parseXmlnsQuery, encodeXcapSegment, documentSelectorOf, type XcapTree, type DocumentSelector, type XcapUri } from './xcap-uri.js';
export { parseAttValue } from './att-value.js';
export type { QName, AttrTest, Step, Terminal, NodeSelector, NamespaceContext, SelectorResult } from './node-selector/node-selector.js';
export { parseNodeSelector, parseQName } from './node-selector/parse-node-selector.js';
export {
  evaluateNodeSelector,
  evaluateSteps,
  applyStep,
  matchingName,
  elementNamespace,
  attributeNamespace,
  findAttribute,
  isNamespaceDeclaration,
  childElements,
  inScopeNamespaces,
  type Selected,
  type Evaluation,
} from './node-selector/evaluate-node-selector.js';
export { serializeNode, serializeDocument } from './serialize-node.js';
export { XCAP_DEFAULT_NAMESPACES, defaultNamespaceOf, RESOURCE_LISTS_NS, RLS_SERVICES_NS, COMMON_POLICY_NS, PIDF_NS, XCAP_CAPS_NS } from './default-namespaces.js';
