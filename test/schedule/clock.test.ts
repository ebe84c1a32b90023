import { describe, expect, it } from 'vitest';
import { dayOff, instantOf, localTime, nextRun } from '../../src/schedule/clock.js';

const CHI = 'America/Chicago';
const week = { timezone: CHI, business_days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, holidays: ['2026-12-25'] };

describe('local time in the configured zone', () => {
  it('names the local date, wall minutes and weekday on both sides of midnight UTC', () => {
    expect(localTime(new Date('2026-03-10T04:30:00Z'), CHI)).toEqual({ date: '2026-03-09', minutes: 23 * 60 + 30, weekday: 'mon' });
    expect(localTime(new Date('2026-03-10T05:00:00Z'), CHI)).toEqual({ date: '2026-03-10', minutes: 0, weekday: 'tue' });
  });

  it('follows the DST changes: the wall clock jumps 01:59 to 03:00 in March and shows 01:30 twice in November', () => {
    expect(localTime(new Date('2026-03-08T07:59:00Z'), CHI).minutes).toBe(119);
    expect(localTime(new Date('2026-03-08T08:00:00Z'), CHI).minutes).toBe(180);
    expect(localTime(new Date('2026-11-01T06:30:00Z'), CHI).minutes).toBe(90);
    expect(localTime(new Date('2026-11-01T07:30:00Z'), CHI).minutes).toBe(90);
  });
});

describe('the instant of a local time', () => {
  it('in winter and summer time', () => {
    expect(instantOf('2026-01-15', '08:00', CHI).toISOString()).toBe('2026-01-15T14:00:00.000Z');
    expect(instantOf('2026-07-15', '17:00', CHI).toISOString()).toBe('2026-07-15T22:00:00.000Z');
  });

  it('a time in the spring gap is first reached at 03:00; a repeated one at its first occurrence', () => {
    expect(instantOf('2026-03-08', '02:30', CHI).toISOString()).toBe('2026-03-08T08:00:00.000Z');
    expect(instantOf('2026-11-01', '01:30', CHI).toISOString()).toBe('2026-11-01T06:30:00.000Z');
    expect(instantOf('2026-11-01', '17:00', CHI).toISOString()).toBe('2026-11-01T23:00:00.000Z');
  });
});

describe('days off and the next run', () => {
  it('weekends and holidays are off, with the reason', () => {
    expect(dayOff(localTime(new Date('2026-12-25T15:00:00Z'), CHI), week)).toBe('2026-12-25 is a holiday');
    expect(dayOff(localTime(new Date('2026-11-28T15:00:00Z'), CHI), week)).toBe('2026-11-28 is not a business day (sat)');
    expect(dayOff(localTime(new Date('2026-11-27T15:00:00Z'), CHI), week)).toBeNull();
  });

  it("today's run while it is ahead, else the next business day's, skipping a holiday", () => {
    expect(nextRun('17:00', new Date('2026-11-27T15:00:00Z'), week)?.toISOString()).toBe('2026-11-27T23:00:00.000Z');
    // Friday after 17:00: Monday.
    expect(nextRun('17:00', new Date('2026-11-27T23:30:00Z'), week)?.toISOString()).toBe('2026-11-30T23:00:00.000Z');
    // Thursday 24 Dec after 08:00: Friday is Christmas, so Monday 28.
    expect(nextRun('08:00', new Date('2026-12-24T16:00:00Z'), week)?.toISOString()).toBe('2026-12-28T14:00:00.000Z');
  });
});
