import { describe, expect, it } from 'vitest';
import { JOBS, type JobName } from '../../src/schedule/jobs.js';
import { runDueJobs, runJob, type JobOutcome } from '../../src/schedule/run-job.js';
import { openDb, type Db } from '../../src/store/db.js';
import { listOutbox, type OutboxRow } from '../../src/store/outbox.js';
import { loadTemplates, type Templates } from '../../src/templates/load.js';
import { scheduleConfig, seedWeek } from './seed-schedule.js';

// The jobs against a seeded week in America/Chicago, time from the caller (never the clock).

function setup(over: Record<string, unknown> = {}) {
  const config = scheduleConfig(over);
  const db = openDb(':memory:');
  seedWeek(db, config);
  const templates = loadTemplates(config);
  const run = (job: JobName, at: string, t: Templates = templates): JobOutcome =>
    runJob(db, config, t, JOBS.find((j) => j.name === job)!, { at: new Date(at) });
  const tick = (at: string) => runDueJobs(db, config, templates, new Date(at));
  const mails = (kind?: string): OutboxRow[] => listOutbox(db, ['pending', 'held', 'sent', 'failed']).filter((r) => !kind || r.kind === kind);
  return { config, db, run, tick, mails, templates };
}

const keysIn = (text: string): string[] => [...text.matchAll(/\[([A-Z]{2,10}-\d+)\]/g)].map((m) => m[1]!);
const byTo = (rows: OutboxRow[]) => Object.fromEntries(rows.map((r) => [r.toAddr.split('@')[0], r]));
const claims = (db: Db) => db.prepare(`SELECT job, recipient, local_date AS localDate, outbox_id AS outboxId, tickets FROM schedule_claims ORDER BY job, recipient`).all();

// Monday 9 March 2026, the day after the spring change: CDT, UTC-5.
const MON_0800 = '2026-03-09T13:00:00Z';

describe('daily list', () => {
  it("each staff member with work gets their tickets oldest first (blue marked), their checks, and for leads and managers the triage queue; nobody gets an empty list", () => {
    const { run, mails, db } = setup();
    const r = run('daily_list', MON_0800);
    expect(r).toMatchObject({ localDate: '2026-03-09', empty: ['ned'] });
    const m = byTo(mails('daily_list'));
    expect(Object.keys(m).sort()).toEqual(['lee', 'mia', 'olivia', 'seth']);
    expect(keysIn(m.seth!.text)).toEqual(['SEO-1000', 'SEO-1005']);
    expect(m.seth!.text).toMatch(/\[SEO-1000\] Listing vanished\n\s+open, BLUE: the client wrote, opened 7 days ago/);
    expect(m.seth!.text).not.toMatch(/SEO-1005.*\n.*BLUE/);
    expect(m.seth!.text).not.toContain('Triage queue');
    expect(m.seth!.subject).toBe('Your tickets for Monday 9 March 2026: 2 to work');
    expect(keysIn(m.olivia!.text)).toEqual(['REF-1001', 'REF-1004']);
    expect(m.olivia!.text).toMatch(/Waiting for your check \(1\):\n\s+\[REF-1004\] Credit note layout\n\s+done by Seth 3 days ago/);
    expect(keysIn(m.lee!.text)).toEqual(['SEO-1003', 'TRI-1002']);
    expect(m.lee!.text).toContain('Triage queue, to assign (1)');
    expect(keysIn(m.mia!.text)).toEqual(['SEO-1003', 'TRI-1002']);
    expect(m.lee!.html).toContain('<strong>[SEO-1003]</strong>');
    // Staff mail: first in line for delivery, outside the automatic-reply budget, not threaded.
    expect(m.seth).toMatchObject({ audience: 'staff', inReplyTo: null, messageId: 'schedule.daily_list.2026-03-09.seth@agency.example' });
    expect(m.seth!.headers['Auto-Submitted']).toBe('auto-generated');
    expect(claims(db)).toHaveLength(5);
  });

  it('running it twice for the same day sends once; the next business day sends again', () => {
    const { run, mails } = setup();
    run('daily_list', MON_0800);
    const again = run('daily_list', '2026-03-09T20:00:00Z');
    expect(again).toMatchObject({ sent: [], empty: [], alreadyClaimed: ['seth', 'olivia', 'lee', 'mia', 'ned'] });
    expect(mails('daily_list')).toHaveLength(4);
    run('daily_list', '2026-03-10T13:00:00Z');
    expect(mails('daily_list')).toHaveLength(8);
  });
});

describe('TBC reminder', () => {
  it("each checker with tbc work waiting: the opener for staff-opened tickets, every lead and manager for clients'", () => {
    const { run, mails } = setup();
    run('tbc_reminder', '2026-03-09T20:30:00Z');
    const m = byTo(mails('tbc_reminder'));
    expect(Object.keys(m).sort()).toEqual(['lee', 'mia', 'olivia']);
    expect(keysIn(m.olivia!.text)).toEqual(['REF-1004']);
    expect(m.olivia!.text).toMatch(/done by Seth 3 days ago, opened 4 days ago/);
    expect(keysIn(m.lee!.text)).toEqual(['SEO-1003']);
    expect(m.lee!.subject).toBe('1 ticket(s) waiting for your check today');
  });
});

describe('end-of-day sweep', () => {
  it('to the managers: every tbc ticket grouped by checker with counts; each gets a left_in_tbc event, once', () => {
    const { run, mails, db } = setup();
    const r = run('sweep', '2026-03-09T22:00:00Z');
    expect(r).toMatchObject({ events: 2 });
    const rows = mails('sweep');
    expect(rows.map((x) => x.toAddr)).toEqual(['mia@agency.example']);
    const text = rows[0]!.text;
    expect(text).toContain('2 ticket(s) are still To Be Checked at the end of Monday 9 March 2026.');
    expect(text).toMatch(/Checker management \(1\):\n\s+\[SEO-1003\][^\n]*\n\s+done by Seth 3 days ago[^\n]*\n\nChecker Olivia \(1\):\n\s+\[REF-1004\]/);
    run('sweep', '2026-03-09T22:30:00Z');
    const events = db.prepare(`SELECT t.key, e.via, e.data FROM events e JOIN tickets t ON t.id = e.ticket_id WHERE e.kind = 'left_in_tbc' ORDER BY t.key`).all() as { key: string; via: string; data: string }[];
    expect(events.map((e) => e.key)).toEqual(['REF-1004', 'SEO-1003']);
    expect(JSON.parse(events[0]!.data)).toMatchObject({ checker: 'olivia', worker: 'seth', local_date: '2026-03-09' });
    expect(events[0]!.via).toBe('cron');
    expect(mails('sweep')).toHaveLength(1);
  });

  it('schedule.sweep_to names who gets it', () => {
    const { run, mails } = setup({ schedule: { sweep_to: ['lee', 'mia'] } });
    run('sweep', '2026-03-09T22:00:00Z');
    expect(mails('sweep').map((x) => x.toAddr)).toEqual(['lee@agency.example', 'mia@agency.example']);
  });
});

describe('when jobs run', () => {
  it('the daemon down at 17:00 and back at 17:40 sends the sweep once; back the next morning it never sends yesterday\'s', () => {
    const { tick, mails } = setup();
    tick('2026-03-09T21:59:00Z'); // 16:59 CDT: not yet
    expect(mails('sweep')).toHaveLength(0);
    tick('2026-03-09T22:40:00Z'); // 17:40: catch-up
    tick('2026-03-09T22:41:00Z');
    expect(mails('sweep')).toHaveLength(1);

    const late = setup();
    late.tick('2026-03-10T12:00:00Z'); // Tuesday 07:00 CDT: Monday's jobs are gone, Tuesday's not due
    expect(late.mails()).toHaveLength(0);
    late.tick('2026-03-10T13:00:00Z');
    expect(late.mails().map((r) => r.kind)).toEqual(['daily_list', 'daily_list', 'daily_list', 'daily_list']);
  });

  it('a holiday and a weekend send nothing', () => {
    const { tick, mails, run } = setup({ holidays: ['2026-03-09'] });
    for (const at of ['2026-03-09T13:00:00Z', '2026-03-09T20:30:00Z', '2026-03-09T22:00:00Z', '2026-03-14T23:00:00Z', '2026-03-15T23:00:00Z']) tick(at);
    expect(mails()).toHaveLength(0);
    expect(run('sweep', '2026-03-14T23:00:00Z')).toEqual({ job: 'sweep', localDate: '2026-03-14', skipped: '2026-03-14 is not a business day (sat)' });
    expect(run('sweep', '2026-03-09T23:00:00Z')).toMatchObject({ skipped: '2026-03-09 is a holiday' });
  });

  it('a job switched off never runs', () => {
    const { tick, mails } = setup({ schedule: { daily_list: false } });
    tick('2026-03-09T23:59:00Z');
    expect(mails().map((r) => r.kind).sort()).toEqual(['sweep', 'tbc_reminder', 'tbc_reminder', 'tbc_reminder']);
  });

  it.each([
    ['spring forward, 2026-03-08: 02:30 does not exist, the job runs once from 03:00 CDT', '2026-03-08', '02:30', '2026-03-08T08:00:00.000Z'],
    ['fall back, 2026-11-01: 01:30 happens twice, the job runs once at the first', '2026-11-01', '01:30', '2026-11-01T06:30:00.000Z'],
    ['fall back, 2026-11-01: 17:00 CST, once', '2026-11-01', '17:00', '2026-11-01T23:00:00.000Z'],
  ])('DST change day in America/Chicago (%s)', (_, day, time, firstAt) => {
    const every = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
    const { tick, mails, db } = setup({ business_days: every, schedule: { daily_list: false, tbc_reminder: false, sweep: time } });
    // Every minute for 24 hours from 06:00Z: from the local day's first hour (00:00 CST, 01:00
    // CDT) to before the job's time the next day.
    const start = Date.parse(`${day}T06:00:00Z`);
    for (let t = start; t < start + 24 * 3600_000; t += 60_000) tick(new Date(t).toISOString());
    const sweeps = mails('sweep');
    expect(sweeps).toHaveLength(1);
    expect(sweeps[0]!.createdAt).toBe(firstAt);
    const claim = db.prepare(`SELECT local_date AS d FROM schedule_claims WHERE job = 'sweep' AND recipient = 'mia'`).all();
    expect(claim).toEqual([{ d: day }]);
  });
});

describe('a run that fails part-way', () => {
  it('leaves no claim and no mail (one transaction); the next run sends each mail once', () => {
    const { run, mails, db, templates } = setup();
    let n = 0;
    const failing: Templates = {
      render(kind, data) {
        if (++n === 3) throw new Error('disk full');
        return templates.render(kind, data);
      },
    };
    expect(() => run('daily_list', MON_0800, failing)).toThrow('disk full');
    expect(claims(db)).toEqual([]);
    expect(mails()).toEqual([]);
    run('daily_list', MON_0800);
    expect(mails('daily_list')).toHaveLength(4);
  });
});
