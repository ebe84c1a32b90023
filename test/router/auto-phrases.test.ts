import { describe, expect, it } from 'vitest';
import * as phrases from '../../src/router/auto-phrases.js';
import { DETECTION_TEXT_CHARS } from '../../src/router/mail-fields.js';

// The phrase tables run on every inbound mail, on text a stranger wrote: each must stay
// linear-time. Two checks: no quantified group that holds a quantifier (the shape of every
// catastrophic pattern), and a time bound on hostile text of the bounded length.

/** True when a group with an unbounded quantifier (*, +, {n,}) contains a quantifier itself. */
function hasNestedQuantifier(source: string): boolean {
  const stack: boolean[] = []; // per open group: does it contain a quantifier?
  let innerOfLastGroup = false;
  let justClosed = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    const quantifier = c === '*' || c === '+' || c === '?' || (c === '{' && /^\{\d+(,\d*)?\}/.test(source.slice(i)));
    if (quantifier) {
      const unbounded = c === '*' || c === '+' || (c === '{' && /^\{\d+,\}/.test(source.slice(i)));
      const lazyOrGroupMark = c === '?' && (source[i - 1] === '(' || /[*+?}]/.test(source[i - 1] ?? ''));
      if (!lazyOrGroupMark) {
        if (justClosed && unbounded && innerOfLastGroup) return true;
        if (stack.length) stack[stack.length - 1] = true;
      }
      if (c === '{') i = source.indexOf('}', i);
      justClosed = false;
      continue;
    }
    justClosed = false;
    if (c === '\\') i++;
    else if (c === '[') {
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
    } else if (c === '(') stack.push(false);
    else if (c === ')') {
      innerOfLastGroup = stack.pop() ?? false;
      if (innerOfLastGroup && stack.length) stack[stack.length - 1] = true;
      justClosed = true;
    }
  }
  return false;
}

const tables = Object.entries(phrases).filter((e): e is [string, RegExp] => e[1] instanceof RegExp);

describe('auto-phrases', () => {
  it('the checker itself catches nested quantifiers', () => {
    expect(hasNestedQuantifier(String.raw`(\w+\s?)+:`)).toBe(true);
    expect(hasNestedQuantifier(String.raw`(?:a[^\n]{0,60})*b`)).toBe(true);
    expect(hasNestedQuantifier(String.raw`\bI am\s(?:currently\s)?out`)).toBe(false);
  });

  it.each(tables)('%s has no nested quantifier', (_name, re) => {
    expect(hasNestedQuantifier(re.source)).toBe(false);
  });

  it.each(tables)('%s decides hostile text of the bounded length quickly', (_name, re) => {
    const hostile = [
      'ich bin '.repeat(DETECTION_TEXT_CHARS / 8),
      ' '.repeat(DETECTION_TEXT_CHARS),
      'your message '.repeat(DETECTION_TEXT_CHARS / 13),
      'a'.repeat(DETECTION_TEXT_CHARS),
      '>\n'.repeat(DETECTION_TEXT_CHARS / 2),
    ];
    const started = performance.now();
    for (let round = 0; round < 20; round++) for (const text of hostile) re.test(text);
    expect(performance.now() - started).toBeLessThan(250);
  });
});
