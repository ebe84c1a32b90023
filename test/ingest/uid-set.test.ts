import { describe, expect, it } from 'vitest';
import { uidSet } from '../../src/ingest/mailbox.js';

describe('uidSet', () => {
  it.each([
    [[1], '1'],
    [[1, 2, 3], '1:3'],
    [[5, 3, 4, 9, 11, 12, 12], '3:5,9,11:12'],
    [[7, 1], '1,7'],
  ])('%j → %s', (uids, set) => {
    expect(uidSet(uids)).toBe(set);
  });
});
