import { describe, expect, it } from 'vitest';
import { withoutPlusTag } from '../../src/router/mail-fields.js';

describe('withoutPlusTag', () => {
  it.each([
    ['Support+SEO@Agency.example', 'support@agency.example'],
    ['a+b+c@x.example', 'a@x.example'],
    ['plain@x.example', 'plain@x.example'],
    ['no-at+tag', 'no-at+tag'],
  ])('%j → %j', (address, expected) => {
    expect(withoutPlusTag(address)).toBe(expected);
  });

  // The old /\+[^@]*@/ rescanned to the end from every "+": minutes on this From.
  it('handles a long run of "+" without "@"', () => {
    const hostile = '+'.repeat(1_000_000);
    expect(withoutPlusTag(hostile)).toBe(hostile);
  });
});
