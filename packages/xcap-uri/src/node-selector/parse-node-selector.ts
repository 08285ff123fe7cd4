import type { AttrTest, NodeSelector, QName, SelectorResult, Step, Terminal } from './node-selector.js';
import { parseAttValue } from '../att-value.js';

// XML 1.0 NCName, simplified to the ranges that matter on the wire.
const NCNAME = '[A-Za-z_\\u00C0-\\uFFFF][A-Za-z0-9_.\\-\\u00B7\\u00C0-\\uFFFF]*';
const QNAME_RE = new RegExp(`^(?:(${NCNAME}):)?(${NCNAME})$`);
const STEP_RE = new RegExp(`^(\\*|(?:${NCNAME}:)?${NCNAME})(\\[.*\\])?$`, 's');

/**
 * Parses a decoded node selector (RFC 4825 §6.3):
 *
 *   node-selector     = element-selector ["/" terminal-selector]
 *   step              = by-name / by-pos / by-attr / by-pos-attr
 *   by-pos-attr       = NameorAny "[" position "]" "[" attr-test "]"
 *   terminal-selector = attribute-selector / namespace-selector
 *
 * Never throws.
 */
export function parseNodeSelector(input: string): SelectorResult<NodeSelector> {
  const segments = splitSteps(input);
  if (segments === undefined || segments.length === 0 || segments.some((s) => s === '')) return fail(`malformed node selector "${input}"`);
  let terminal: Terminal | undefined;
  const last = segments[segments.length - 1] as string;
  if (last === 'namespace::*') {
    terminal = { kind: 'namespace' };
    segments.pop();
  } else if (last.startsWith('@')) {
    const name = parseQName(last.slice(1));
    if (name === undefined) return fail(`bad attribute selector "${last}"`);
    terminal = { kind: 'attribute', name };
    segments.pop();
  }
  if (segments.length === 0) return fail('a node selector needs at least one step');
  const steps: Step[] = [];
  for (const seg of segments) {
    const step = parseStep(seg);
    if (!step.ok) return step;
    steps.push(step.value);
  }
  return { ok: true, value: { steps, terminal } };
}

/** Splits on "/" outside quotes and brackets; undefined when quotes or brackets do not balance. */
function splitSteps(input: string): string[] | undefined {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let depth = 0;
  for (const ch of input) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
    } else if (depth > 0 && (ch === '"' || ch === "'")) quote = ch;
    else if (ch === '[') depth++;
    else if (ch === ']') {
      if (depth === 0) return undefined;
      depth--;
    } else if (ch === '/' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (quote !== undefined || depth !== 0) return undefined;
  out.push(cur);
  return out;
}

function parseStep(seg: string): SelectorResult<Step> {
  const m = STEP_RE.exec(seg);
  if (m === null) return fail(`bad step "${seg}"`);
  const nameText = m[1] as string;
  const name = nameText === '*' ? undefined : parseQName(nameText);
  let position: number | undefined;
  let attr: AttrTest | undefined;
  const predicates = splitPredicates(m[2] ?? '');
  if (predicates === undefined || predicates.length > 2) return fail(`bad predicates in "${seg}"`);
  for (const [i, p] of predicates.entries()) {
    if (/^[0-9]+$/.test(p)) {
      // by-pos-attr puts the position first; a position after an attr-test is not in the grammar.
      if (i !== 0) return fail(`position after attribute test in "${seg}"`);
      position = Number(p);
      if (!Number.isSafeInteger(position) || position < 1) return fail(`bad position in "${seg}"`);
    } else if (p.startsWith('@')) {
      if (attr !== undefined) return fail(`two attribute tests in "${seg}"`);
      const eq = p.indexOf('=');
      const an = eq < 0 ? undefined : parseQName(p.slice(1, eq));
      const value = eq < 0 ? undefined : parseAttValue(p.slice(eq + 1));
      if (an === undefined || value === undefined || !value.ok) return fail(`bad attribute test "${p}"`);
      attr = { name: an, value: value.value };
    } else return fail(`bad predicate "${p}"`);
  }
  return { ok: true, value: { name, position, attr, source: seg } };
}

function splitPredicates(s: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] !== '[') return undefined;
    let j = i + 1;
    let quote: string | undefined;
    for (; j < s.length; j++) {
      const ch = s[j];
      if (quote !== undefined) {
        if (ch === quote) quote = undefined;
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === ']') break;
    }
    if (j >= s.length) return undefined;
    out.push(s.slice(i + 1, j));
    i = j + 1;
  }
  return out;
}

export function parseQName(s: string): QName | undefined {
  const m = QNAME_RE.exec(s);
  if (m === null) return undefined;
  return { prefix: m[1], local: m[2] as string };
}

function fail(error: string): SelectorResult<never> {
  return { ok: false, error };
}
