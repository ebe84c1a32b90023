import { describe, expect, it } from 'vitest';
import { ago, dayWords, localTime, zoneFormatter } from '../src/dates.js';

describe('dates people read', () => {
  it('shows an instant as wall-clock time in the configured zone, daylight saving included', () => {
    expect(localTime('2025-01-15T18:30:00.000Z', 'America/Chicago')).toBe('2025-01-15 12:30 CST');
    expect(localTime('2025-07-15T18:30:00.000Z', 'America/Chicago')).toBe('2025-07-15 13:30 CDT');
    expect(localTime('2025-07-15T23:30:00.000Z', 'UTC')).toBe('2025-07-15 23:30 UTC');
    expect(localTime('2025-12-31T23:30:00.000Z', 'Asia/Tokyo')).toMatch(/^2026-01-01 08:30 /);
    expect(localTime('not a date', 'UTC')).toBe('not a date');
  });

  it('names a day in words in the zone', () => {
    expect(dayWords(new Date('2026-11-28T03:00:00Z'), 'America/Chicago')).toBe('Friday 27 November 2026');
  });

  const now = new Date('2026-11-23T12:00:00Z');
  it.each([
    ['2026-11-23T11:59:40Z', 'just now'],
    ['2026-11-23T12:05:00Z', 'just now'], // a clock ahead: never "in 5 minutes"
    ['2026-11-23T11:59:00Z', '1 minute ago'],
    ['2026-11-23T11:01:00Z', '59 minutes ago'],
    ['2026-11-23T07:00:00Z', '5 hours ago'],
    ['2026-11-22T12:30:00Z', '23 hours ago'],
    ['2026-11-22T11:00:00Z', '1 day ago'],
    ['2026-11-21T13:00:00Z', '2 days ago'], // 47 hours
    ['2026-11-20T12:00:00Z', '3 days ago'],
    ['2026-11-03T12:00:00Z', '3 weeks ago'],
    ['2026-08-23T12:00:00Z', '3 months ago'],
    ['2024-11-01T12:00:00Z', '2 years ago'],
  ])('%s → %s', (at, words) => {
    expect(ago(at, now)).toBe(words);
  });

  it('never says "just now ago" or an hour count past a day', () => {
    for (let minutes = 0; minutes < 60 * 24 * 400; minutes += 59) {
      const words = ago(new Date(now.getTime() - minutes * 60_000).toISOString(), now);
      expect(words).not.toMatch(/just now ago|ago ago/);
      if (minutes >= 24 * 60) expect(words).not.toMatch(/hour/);
    }
  });

  it('makes one formatter per style and zone', () => {
    expect(zoneFormatter('stamp', 'Europe/Berlin')).toBe(zoneFormatter('stamp', 'Europe/Berlin'));
    expect(zoneFormatter('stamp', 'Europe/Berlin')).not.toBe(zoneFormatter('clock', 'Europe/Berlin'));
  });
});
