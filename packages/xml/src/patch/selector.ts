import { NCNAME } from './dom-nodes.js';
import type { PatchErrorCode } from './patch-error.js';

/** An expanded name: namespace URI (null = none) and local name. */
export interface ExpandedName {
  readonly ns: string | null;
  readonly local: string;
}

export type Predicate =
  | { readonly kind: 'position'; readonly n: number }
  | { readonly kind: 'attribute'; readonly name: ExpandedName; readonly value: string }
  | { readonly kind: 'child'; readonly name: ExpandedName; readonly value: string }
  | { readonly kind: 'self'; readonly value: string };

export type Step =
  | { readonly kind: 'element'; readonly name: ExpandedName | '*'; readonly predicates: readonly Predicate[] }
  | { readonly kind: 'text'; readonly predicates: readonly Predicate[] }
  | { readonly kind: 'comment'; readonly predicates: readonly Predicate[] }
  | { readonly kind: 'pi'; readonly target: string | undefined; readonly predicates: readonly Predicate[] }
  | { readonly kind: 'attribute'; readonly name: ExpandedName }
  | { readonly kind: 'namespace'; readonly prefix: string };

/** A parsed `sel` value: an optional id() start, then child steps; the last may select a non-element. */
export interface Selector {
  readonly id: string | undefined;
  readonly steps: readonly Step[];
}

export type SelectorResult =
  | { readonly ok: true; readonly value: Selector }
  | { readonly ok: false; readonly code: PatchErrorCode; readonly message: string };

/** Resolves a prefix of the diff document ('' = the default namespace); undefined when undeclared. */
export type PrefixResolver = (prefix: string) => string | undefined;

class SelectorSyntaxError extends Error {
  constructor(
    readonly code: PatchErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Parses a 'sel' value (RFC 5261 §4.1, grammar of the `xpath` and `xpath-add` types of §8):
 *
 *   sel    = ["/"] ( id [ ("/" step)* "/" last ] | (step "/")* last )
 *   step   = (QName | "*") ( "[" n "]" | "[@" QName "=" literal "]" | "[" (QName | ".") "=" literal "]" )*
 *   last   = step | text() [n]? | comment() [n]? | processing-instruction(literal?) [n]? | "@" QName | "namespace::" NCName
 *   id     = "id(" literal? ")"
 *
 * `<add>` selectors (`xpath-add`) may not end in an attribute or namespace. Prefixes are
 * resolved with the diff document's in-scope namespaces (§4.2.1); an unprefixed element
 * name takes the diff document's default namespace, unlike XPath 1.0 (§4.2.2), while an
 * unprefixed attribute name is never namespace-qualified. Whitespace between tokens is
 * tolerated as XPath allows it (§4.3 writes "*\/ bar").
 */
export function parseSelector(sel: string, resolve: PrefixResolver, forAdd: boolean): SelectorResult {
  try {
    return { ok: true, value: new Parser(sel, resolve).parse(forAdd) };
  } catch (e) {
    if (e instanceof SelectorSyntaxError) return { ok: false, code: e.code, message: e.message };
    throw e;
  }
}

class Parser {
  private pos = 0;
  constructor(
    private readonly s: string,
    private readonly resolve: PrefixResolver,
  ) {}

  parse(forAdd: boolean): Selector {
    this.ws();
    this.eat('/');
    this.ws();
    let id: string | undefined;
    const steps: Step[] = [];
    if (/^id\s*\(/.test(this.s.slice(this.pos))) {
      this.pos += 2;
      this.ws();
      this.expect('(');
      this.ws();
      id = this.peek() === ')' ? '' : this.literal();
      this.ws();
      this.expect(')');
      this.ws();
      while (this.eat('/')) {
        this.ws();
        steps.push(this.step());
        this.ws();
      }
    } else {
      steps.push(this.step());
      this.ws();
      while (this.eat('/')) {
        this.ws();
        steps.push(this.step());
        this.ws();
      }
    }
    if (this.pos < this.s.length) this.fail(`unexpected "${this.s.slice(this.pos, this.pos + 10)}"`);
    steps.forEach((st, i) => {
      if (i < steps.length - 1 && st.kind !== 'element') this.fail(`${st.kind} node test must be the last step`);
    });
    const last = steps[steps.length - 1];
    if (forAdd && last !== undefined && (last.kind === 'attribute' || last.kind === 'namespace')) {
      this.fail('an <add> selector locates an element, text, comment or processing instruction (RFC 5261 §8 xpath-add)');
    }
    return { id, steps };
  }

  private step(): Step {
    if (this.eat('@')) {
      this.ws();
      return { kind: 'attribute', name: this.qname(false) };
    }
    if (this.eat('*')) return { kind: 'element', name: '*', predicates: this.predicates(true) };
    const start = this.pos;
    const name = this.rawQName();
    const after = this.pos;
    this.ws();
    if (name === 'namespace' && this.s.startsWith('::', this.pos)) {
      this.pos += 2;
      this.ws();
      const prefix = this.ncname();
      return { kind: 'namespace', prefix };
    }
    if (this.peek() === '(' && !name.includes(':')) {
      this.pos++;
      this.ws();
      if (name === 'text' || name === 'comment') {
        this.expect(')');
        return { kind: name, predicates: this.predicates(false) };
      }
      if (name === 'processing-instruction') {
        const target = this.peek() === ')' ? undefined : this.literal();
        if (target !== undefined && !NCNAME.test(target)) this.fail(`processing-instruction target "${target}" is not an NCName`);
        this.ws();
        this.expect(')');
        return { kind: 'pi', target, predicates: this.predicates(false) };
      }
      this.pos = start;
      this.fail(`function ${name}() is not allowed in a selector (RFC 5261 §4.1, §4.2.2)`);
    }
    this.pos = after;
    return { kind: 'element', name: this.expand(name, true), predicates: this.predicates(true) };
  }

  /** Positional constraints, attribute and value predicates, in any order (§4.1). Node tests other than elements take one [n]. */
  private predicates(element: boolean): Predicate[] {
    const out: Predicate[] = [];
    for (;;) {
      const save = this.pos;
      this.ws();
      if (!this.eat('[')) {
        this.pos = save;
        return out;
      }
      if (!element && out.length > 0) this.fail('only one positional constraint is allowed here');
      this.ws();
      const digits = /^\d+/.exec(this.s.slice(this.pos));
      if (digits !== null) {
        this.pos += digits[0].length;
        out.push({ kind: 'position', n: Number(digits[0]) });
      } else if (!element) {
        this.fail('only a positional constraint [n] is allowed here');
      } else if (this.eat('@')) {
        this.ws();
        const name = this.qname(false);
        this.equals();
        out.push({ kind: 'attribute', name, value: this.literal() });
      } else if (this.eat('.')) {
        this.equals();
        out.push({ kind: 'self', value: this.literal() });
      } else {
        const name = this.qname(true);
        this.equals();
        out.push({ kind: 'child', name, value: this.literal() });
      }
      this.ws();
      this.expect(']');
    }
  }

  private equals(): void {
    this.ws();
    this.expect('=');
    this.ws();
  }

  private literal(): string {
    const q = this.peek();
    if (q !== '"' && q !== "'") this.fail('expected a quoted literal');
    const end = this.s.indexOf(q, this.pos + 1);
    if (end < 0) this.fail('unterminated literal');
    const v = this.s.slice(this.pos + 1, end);
    this.pos = end + 1;
    return v;
  }

  private ncname(): string {
    const m = /^[\p{L}_][\p{L}\p{N}\p{M}._\-\u00B7]*/u.exec(this.s.slice(this.pos));
    if (m === null) this.fail('expected a name');
    this.pos += m[0].length;
    return m[0];
  }

  private rawQName(): string {
    const first = this.ncname();
    if (this.peek() === ':' && this.s[this.pos + 1] !== ':') {
      this.pos++;
      return `${first}:${this.ncname()}`;
    }
    return first;
  }

  private qname(element: boolean): ExpandedName {
    return this.expand(this.rawQName(), element);
  }

  /** RFC 5261 §4.2.1-§4.2.2: prefixes from the diff document; the default namespace for unprefixed element names only. */
  private expand(qname: string, element: boolean): ExpandedName {
    const colon = qname.indexOf(':');
    if (colon < 0) {
      const def = element ? this.resolve('') : undefined;
      return { ns: def === undefined || def === '' ? null : def, local: qname };
    }
    const prefix = qname.slice(0, colon);
    const ns = this.resolve(prefix);
    if (ns === undefined || ns === '') throw new SelectorSyntaxError('invalid-namespace-prefix', `prefix "${prefix}" is not declared in the diff document`);
    return { ns, local: qname.slice(colon + 1) };
  }

  private peek(): string | undefined {
    return this.s[this.pos];
  }

  private eat(c: string): boolean {
    if (this.s[this.pos] !== c) return false;
    this.pos++;
    return true;
  }

  private expect(c: string): void {
    if (!this.eat(c)) this.fail(`expected "${c}" at offset ${this.pos}`);
  }

  private ws(): void {
    while (this.pos < this.s.length && ' \t\r\n'.includes(this.s[this.pos] as string)) this.pos++;
  }

  private fail(message: string): never {
    throw new SelectorSyntaxError('invalid-attribute-value', `invalid selector: ${message}`);
  }
}
