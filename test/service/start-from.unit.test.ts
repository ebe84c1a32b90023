import { describe, expect, it } from 'vitest';
import { isStartDate } from '../../src/config/schema.js';
import { startFrom } from '../../src/service/start-from.js';

describe('mailbox.start_from', () => {
  const now = new Date('2025-06-03T12:00:00Z');
  it('all and now', () => {
    expect(startFrom('all', 'UTC', now)).toEqual({ kind: 'all' });
    expect(startFrom('now', 'UTC', now)).toEqual({ kind: 'now', at: now });
  });

  it('a bare date is midnight in the config timezone; an ISO time is taken as written', () => {
    expect(startFrom('2025-01-31', 'America/Chicago', now)).toEqual({ kind: 'since', at: new Date('2025-01-31T06:00:00Z') });
    expect(startFrom('2025-01-31T09:30:00+01:00', 'America/Chicago', now)).toEqual({ kind: 'since', at: new Date('2025-01-31T08:30:00Z') });
  });

  it('the config accepts real dates and zoned times only', () => {
    expect(['2025-01-31', '2024-02-29', '2025-01-31T09:30:00Z', '2025-01-31T09:30+02:00'].filter(isStartDate)).toHaveLength(4);
    expect(['2025-02-30', '2025-1-3', 'yesterday', '2025-01-31T09:30:00', ''].filter(isStartDate)).toEqual([]);
  });
});
