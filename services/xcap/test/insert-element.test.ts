// RFC 4825 §8.2.3: the five insertion examples, each compared byte for byte with the RFC's result.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseXml, type Element } from '@simple/xml';
import { insertElement } from '../src/node-selector/insert-element.js';
import { evaluateNodeSelector, evaluateSteps, parseNodeSelector, serializeDocument, type NamespaceContext } from '@simple/xcap-uri';
import { fixture } from './support/fixtures.js';

const NO_NS: NamespaceContext = { defaultNamespace: '', bindings: new Map() };

function insert(selector: string, element: string): string | undefined {
  const d = parseXml(fixture('rfc4825-8.2.3-insert-0-base.xml'));
  assert.ok(d.ok);
  const doc = d.value;
  const sel = parseNodeSelector(selector);
  assert.ok(sel.ok);
  const parent = evaluateSteps(doc, sel.value.steps.slice(0, -1), NO_NS);
  assert.ok(parent.ok);
  const frag = parseXml(element);
  assert.ok(frag.ok);
  const el = doc.importNode(frag.value.documentElement as Element, true) as Element;
  if (!insertElement(parent.value, sel.value.steps[sel.value.steps.length - 1]!, el, NO_NS)) return undefined;
  const check = evaluateNodeSelector(doc, sel.value, NO_NS);
  assert.ok(check.ok && check.value.kind === 'element' && check.value.element === el, 'the selector selects the new element');
  return serializeDocument(doc);
}

/** The RFC's documents start with `<?xml version="1.0"?>`; the server writes the UTF-8 declaration. */
function expected(name: string): string {
  return fixture(name).replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-8"?>');
}

describe('element insertion (RFC 4825 §8.2.3)', () => {
  it('earliest last - root/el1[@att="third"] goes right after the last el1, before the comment', () => {
    assert.equal(insert('root/el1[@att="third"]', '<el1 att="third"/>'), expected('rfc4825-8.2.3-insert-1-el1-third.xml'));
  });

  it('same place - root/el1[3][@att="third"] and root/*[3][@att="third"] insert there too', () => {
    assert.equal(insert('root/el1[3][@att="third"]', '<el1 att="third"/>'), expected('rfc4825-8.2.3-insert-1-el1-third.xml'));
    assert.equal(insert('root/*[3][@att="third"]', '<el1 att="third"/>'), expected('rfc4825-8.2.3-insert-1-el1-third.xml'));
  });

  it('no same-named sibling - root/el3 becomes the last element, after the trailing text', () => {
    assert.equal(insert('root/el3', '<el3 att="first"/>'), expected('rfc4825-8.2.3-insert-2-el3.xml'));
  });

  it('earliest last - root/el2[@att="2"] goes right after the existing el2', () => {
    assert.equal(insert('root/el2[@att="2"]', '<el2 att="2"/>'), expected('rfc4825-8.2.3-insert-3-el2-att2.xml'));
  });

  it('earliest nth with a wildcard - root/*[2][@att="2"] goes after the first element', () => {
    assert.equal(insert('root/*[2][@att="2"]', '<el2 att="2"/>'), expected('rfc4825-8.2.3-insert-4-star2.xml'));
  });

  it('n=1 - root/el2[1][@att="2"] goes just before the existing first el2', () => {
    assert.equal(insert('root/el2[1][@att="2"]', '<el2 att="2"/>'), expected('rfc4825-8.2.3-insert-5-el2-pos1.xml'));
  });

  it('unreachable position - root/el2[3] with one el2 cannot be inserted', () => {
    assert.equal(insert('root/el2[3]', '<el2 att="x"/>'), undefined);
  });
});
