import { describe, expect, it } from 'vitest';
import { greetingName } from '../../src/templates/greeting-name.js';

describe('greeting a client by name', () => {
  it.each([
    'Dana Whitfield',
    'Maria Lopez',
    "Siobhán O'Brien",
    'Mary-Jane Watson',
    'J. R. Hartley',
    'Ludwig van Beethoven',
    'Müller',
    '王伟',
  ])('greets %s by name', (name) => {
    expect(greetingName(name)).toBe(name);
  });

  it.each([
    ['Smile Bright Dental - Front Desk', 'a company and a desk'],
    ['Accounts Team', 'a team'],
    ['info', 'a mailbox name'],
    ['dana2024', 'digits'],
    ['Dana Whitfield 2', 'digits'],
    ['ACME', 'a brand in capitals'],
    ['Whitfield Bakery Ltd', 'a company'],
    ['dana@bakery.example', 'an address'],
    ['Smith, John', 'a list or a reversed name'],
    ['J.', 'a lone initial'],
    ['The Corner Shop', 'a shop'],
    ['', 'nothing'],
    [null, 'nothing'],
    ['Dana\nWhitfield <http://evil.example>', 'a line break and a link'],
  ] as [string | null, string][])('greets %s neutrally (%s)', (name) => {
    expect(greetingName(name)).toBeNull();
  });
});
