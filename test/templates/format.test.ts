import { describe, expect, it } from 'vitest';
import { linkFreeSummary, statusWord } from '../../src/templates/format.js';

describe('words for clients', () => {
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
