import { describe, expect, it } from 'vitest';
import { nextDelayMs } from '../../src/ingest/backoff.js';

const opts = { baseMs: 100, maxMs: 5_000, jitter: 0.5 };

describe('nextDelayMs', () => {
  it('doubles from the base without jitter', () => {
    const none = { ...opts, jitter: 0 };
    expect([0, 1, 2, 3].map((a) => nextDelayMs(a, none))).toEqual([100, 200, 400, 800]);
  });

  it('never exceeds the cap, however many attempts', () => {
    for (const a of [6, 10, 50, 1e6]) expect(nextDelayMs(a, opts, () => 0)).toBe(5_000);
  });

  it('takes off at most the jitter share of the delay', () => {
    expect(nextDelayMs(3, opts, () => 0)).toBe(800);
    expect(nextDelayMs(3, opts, () => 0.999999)).toBe(400);
    expect(nextDelayMs(3, opts, () => 0.5)).toBe(600);
  });

  it('treats odd attempt numbers as the first attempt', () => {
    expect(nextDelayMs(-3, { ...opts, jitter: 0 })).toBe(100);
  });
});
