import { describe, expect, it } from 'vitest';
import { passProgress } from '../../src/service/pass-progress.js';

describe('pass progress', () => {
  it('says nothing before the interval, then done/total, rate and time left, at most once per interval', () => {
    const p = passProgress(1000, 0, 5000);
    expect(p.tick(100, 4999)).toBeNull();
    expect(p.tick(250, 5000)).toEqual({ done: 250, total: 1000, perSecond: 50, etaSeconds: 15 });
    expect(p.tick(300, 6000)).toBeNull();
    expect(p.tick(500, 10_000)).toEqual({ done: 500, total: 1000, perSecond: 50, etaSeconds: 10 });
  });

  it('has no time left to guess before anything was decided, and is silent once the pass is done', () => {
    const p = passProgress(10, 0, 1000);
    expect(p.tick(0, 2000)).toMatchObject({ done: 0, etaSeconds: null });
    expect(p.tick(10, 9000)).toBeNull();
  });
});
