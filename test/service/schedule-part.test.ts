import { describe, expect, it } from 'vitest';
import { schedulePart } from '../../src/service/schedule-part.js';
import { openDb } from '../../src/store/db.js';
import { listOutbox } from '../../src/store/outbox.js';
import { scheduleConfig, seedWeek } from '../schedule/seed-schedule.js';
import { quiet } from '../support/ticketd.js';

// The scheduler as a daemon part: it runs what is due as soon as it starts (catch-up), and
// stops on the daemon's signal.

describe('the schedule part', () => {
  it('started at 17:40 after being down at 17:00, it sends the day\'s jobs at once, each once; it stops on the signal', async () => {
    const config = scheduleConfig();
    const db = openDb(':memory:');
    seedWeek(db, config);
    const part = schedulePart(config, { now: () => new Date('2026-03-09T22:40:00Z') });
    const stop = new AbortController();
    const running = part.run!({ config, db, log: quiet, signal: stop.signal });
    // The start-up tick is synchronous: the rows are there before the first await returns.
    const kinds = listOutbox(db, ['pending']).map((r) => r.kind);
    expect(kinds.filter((k) => k === 'sweep')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'daily_list')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'tbc_reminder')).toHaveLength(3);
    stop.abort();
    await running;
    // A restart the same evening sends nothing more.
    const again = new AbortController();
    const second = schedulePart(config, { now: () => new Date('2026-03-09T22:45:00Z') }).run!({ config, db, log: quiet, signal: again.signal });
    again.abort();
    await second;
    expect(listOutbox(db, ['pending'])).toHaveLength(8);
    db.close();
  });
});
