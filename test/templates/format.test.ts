import { describe, expect, it } from 'vitest';
import { ageWords, linkFreeSummary, statusWord } from '../../src/templates/format.js';

describe('words for clients', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  it.each([
    ['2026-11-23T11:59:40Z', 'just now'],
    ['2026-11-23T11:59:00Z', '1 minute'],
    ['2026-11-23T07:00:00Z', '5 hours'],
    ['2026-11-21T13:00:00Z', '47 hours'],
    ['2026-11-20T12:00:00Z', '3 days'],
  ])('opened %s → %s ago', (at, words) => {
    expect(ageWords(at, now)).toBe(words);
  });

  it('names statuses the way a client understands them', () => {
    expect(['new', 'open', 'tbc'].map(statusWord)).toEqual(['received, not started yet', 'in progress', 'done, being checked']);
  });

  it('removes links and cuts long text at a word', () => {
    expect(linkFreeSummary('Log in at https://bank.example/x?y=1 or www.phish.example now')).toBe('Log in at [link removed] or [link removed] now');
    const long = linkFreeSummary('word '.repeat(300), 100);
    expect(long.length).toBeLessThanOrEqual(102);
    expect(long).toMatch(/word …$/);
  });
});
