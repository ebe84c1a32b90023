import { describe, expect, it } from 'vitest';
import { ageWords, localTime, sinceInstant } from '../../src/cli/time.js';

describe('dates people read', () => {
  it('shows an instant as wall-clock time in the configured zone, daylight saving included', () => {
    expect(localTime('2025-01-15T18:30:00.000Z', 'America/Chicago')).toBe('2025-01-15 12:30 CST');
    expect(localTime('2025-07-15T18:30:00.000Z', 'America/Chicago')).toBe('2025-07-15 13:30 CDT');
    expect(localTime('2025-07-15T23:30:00.000Z', 'UTC')).toBe('2025-07-15 23:30 UTC');
    expect(localTime('2025-12-31T23:30:00.000Z', 'Asia/Tokyo')).toMatch(/^2026-01-01 08:30 /);
  });

  it('says ages in words', () => {
    const now = new Date('2025-06-10T12:00:00Z');
    const ago = (s: number) => ageWords(new Date(now.getTime() - s * 1000).toISOString(), now);
    expect(ago(5)).toBe('under a minute');
    expect(ago(60)).toBe('1 minute');
    expect(ago(12 * 60)).toBe('12 minutes');
    expect(ago(3600)).toBe('1 hour');
    expect(ago(5 * 3600)).toBe('5 hours');
    expect(ago(86400)).toBe('1 day');
    expect(ago(3 * 86400)).toBe('3 days');
    expect(ago(20 * 86400)).toBe('2 weeks');
    expect(ageWords('2025-06-11T00:00:00Z', now)).toBe('under a minute'); // a clock ahead: never negative
  });

  it('reads --since as midnight of that day in the zone, across a DST change, or as an ISO time', () => {
    expect(sinceInstant('2025-01-15', 'America/Chicago')).toBe('2025-01-15T06:00:00.000Z');
    expect(sinceInstant('2025-07-15', 'America/Chicago')).toBe('2025-07-15T05:00:00.000Z');
    expect(sinceInstant('2025-03-09', 'America/Chicago')).toBe('2025-03-09T06:00:00.000Z'); // DST starts at 02:00 that day
    expect(sinceInstant('2025-11-02', 'America/Chicago')).toBe('2025-11-02T05:00:00.000Z'); // DST ends at 02:00 that day
    expect(sinceInstant('2025-06-01', 'UTC')).toBe('2025-06-01T00:00:00.000Z');
    expect(sinceInstant('2025-06-01T10:00:00+02:00', 'UTC')).toBe('2025-06-01T08:00:00.000Z');
    expect(sinceInstant('2025-02-30', 'UTC')).toBeNull();
    expect(sinceInstant('yesterday', 'UTC')).toBeNull();
    expect(sinceInstant('2025-06-01T10:00', 'UTC')).toBeNull(); // no zone: ambiguous
  });
});
