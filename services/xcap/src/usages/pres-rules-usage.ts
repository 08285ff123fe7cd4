import { COMMON_POLICY_NS } from '@simple/xcap-uri';
import type { Document, Element } from '@simple/xml';
import type { XcapError } from '../errors/xcap-error.js';
import type { ApplicationUsage } from './application-usage.js';
import { uniqueAmongSiblings } from './unique-values.js';

export { COMMON_POLICY_NS };
export const PRES_RULES_NS = 'urn:ietf:params:xml:ns:pres-rules';

/** RFC 5025 §9: the pres-rules application usage (presence authorization rules on RFC 4745 common policy). */
export class PresRulesUsage implements ApplicationUsage {
  readonly auid = 'pres-rules';
  /** RFC 5025 §9.3. */
  readonly mimeType = 'application/auth-policy+xml';
  /** RFC 5025 §9.5: "the default namespace ... is urn:ietf:params:xml:ns:common-policy". */
  readonly defaultNamespace = COMMON_POLICY_NS;
  readonly schemas = [
    { namespace: COMMON_POLICY_NS, file: 'rfc4745-common-policy.xsd' },
    { namespace: PRES_RULES_NS, file: 'rfc5025-pres-rules.xsd' },
  ] as const;
  readonly userWritable = true;
  readonly globalPublic = false;

  checkConstraints(doc: Document): Promise<XcapError | undefined> {
    // RFC 4745 §7: the "id" attribute of a <rule> identifies it within the ruleset.
    return Promise.resolve(uniqueAmongSiblings(doc.documentElement as Element, { namespace: COMMON_POLICY_NS, local: 'rule', attr: 'id', field: 'ruleset/rule/@id' }));
  }
}
