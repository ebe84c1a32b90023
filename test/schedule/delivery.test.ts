import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainOutbox } from '../../src/outbox/deliver.js';
import { runDueJobs } from '../../src/schedule/run-job.js';
import { openDb } from '../../src/store/db.js';
import { loadTemplates } from '../../src/templates/load.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { quiet } from '../support/ticketd.js';
import { scheduleConfig, seedWeek } from './seed-schedule.js';

// What staff actually receive: the scheduler's rows delivered to a real SMTP receiver.

let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(async () => {
  await smtp?.stop();
});

describe('scheduled mail through SMTP', () => {
  it('the 15:30 reminders arrive once each, as auto-generated staff mail with the fixed Message-ID, text and HTML', async () => {
    const config = scheduleConfig({ schedule: { daily_list: false, sweep: false } }, smtp.port);
    const db = openDb(':memory:');
    seedWeek(db, config);
    const templates = loadTemplates(config);
    runDueJobs(db, config, templates, new Date('2026-03-09T20:30:00Z'));
    await drainOutbox(config, db, quiet);
    // The next tick and a second drain send nothing more.
    runDueJobs(db, config, templates, new Date('2026-03-09T20:31:00Z'));
    await drainOutbox(config, db, quiet);
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual(['lee@agency.example', 'mia@agency.example', 'olivia@agency.example']);
    const olivia = smtp.received.find((m) => m.to[0] === 'olivia@agency.example')!;
    expect(olivia.subject).toBe('1 ticket(s) waiting for your check today');
    expect(olivia.messageId).toBe('schedule.tbc_reminder.2026-03-09.olivia@agency.example');
    expect(olivia.header('auto-submitted')).toBe('auto-generated');
    expect(olivia.text).toContain('[REF-1004] Credit note layout');
    expect(olivia.html).toContain('<strong>[REF-1004]</strong>');
    db.close();
  });
});
