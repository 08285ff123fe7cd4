/** The parsed form of an RFC 4825 §6.3 node selector. */

/** A possibly prefixed name; the prefix is resolved against the `xmlns()` query bindings (§6.4). */
export interface QName {
  readonly prefix: string | undefined;
  readonly local: string;
}

/** `@name="value"` (§6.3 attr-test); the value is the decoded AttValue. */
export interface AttrTest {
  readonly name: QName;
  readonly value: string;
}

/** One location step: by-name, by-pos, by-attr or by-pos-attr (§6.3). `name` undefined is the `*` wildcard. */
export interface Step {
  readonly name: QName | undefined;
  readonly position: number | undefined;
  readonly attr: AttrTest | undefined;
  /** The step as it appeared in the (decoded) selector, for building ancestor URIs. */
  readonly source: string;
}

/** The terminal selector (§6.3): an attribute, or the namespace bindings of the selected element. */
export type Terminal = { readonly kind: 'attribute'; readonly name: QName } | { readonly kind: 'namespace' };

export interface NodeSelector {
  readonly steps: readonly Step[];
  readonly terminal: Terminal | undefined;
}

/** What a node selector resolves names with: the AUID's default namespace and the `xmlns()` bindings. */
export interface NamespaceContext {
  /** RFC 4825 §6.3: unprefixed element names are in the application usage's default document namespace ('' for none). */
  readonly defaultNamespace: string;
  readonly bindings: ReadonlyMap<string, string>;
}

export type SelectorResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };
