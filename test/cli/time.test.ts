import { describe, expect, it } from 'vitest';
import { sinceInstant } from '../../src/cli/time.js';

describe('dates people type', () => {
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
