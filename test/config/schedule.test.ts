import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';

// The scheduler's config keys: times, who gets the sweep, the calendar.

const valid = (over: Record<string, unknown> = {}) => ({
  database: 'db/ticketd.sqlite',
  data_dir: 'data',
  support_address: 'support@agency.example',
  mailbox: { host: '127.0.0.1', port: 1143, user: 'support', password: 'x' },
  staff: [
    { id: 'olivia', name: 'Olivia', email: 'olivia@agency.example', role: 'agent' },
    { id: 'mia', name: 'Mia', email: 'mia@agency.example', role: 'manager' },
  ],
  request_types: [{ id: 'triage', prefix: 'TRI', label: 'Triage' }],
  triage_type: 'triage',
  ...over,
});

function problemsOf(data: Record<string, unknown>): string[] {
  try {
    parseConfig(data, '/etc/ticketd', {});
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('schedule config', () => {
  it('defaults: 08:00, 15:30, 17:00, Monday to Friday, no holidays, sweep_to unset (the managers)', () => {
    const c = parseConfig(valid(), '/etc/ticketd', {});
    expect(c.schedule).toEqual({ daily_list: '08:00', tbc_reminder: '15:30', sweep: '17:00' });
    expect(c.business_days).toEqual(['mon', 'tue', 'wed', 'thu', 'fri']);
    expect(c.holidays).toEqual([]);
  });

  it('a job can be switched off with false and moved with HH:MM', () => {
    const c = parseConfig(valid({ schedule: { daily_list: false, sweep: '16:45' } }), '/etc/ticketd', {});
    expect(c.schedule).toEqual({ daily_list: false, tbc_reminder: '15:30', sweep: '16:45' });
  });

  it('an invalid time, an unknown job, an unknown sweep recipient, a bad holiday and a bad zone are errors with their paths', () => {
    const problems = problemsOf(
      valid({
        timezone: 'America/Chikago',
        schedule: { sweep: '25:00', tbc_reminder: '3pm', daily: '08:00', sweep_to: ['mia', 'boss'] },
        business_days: ['mon', 'funday'],
        holidays: ['2026-12-25', '2026-02-30', 'Christmas'],
      }),
    );
    const joined = problems.join('\n');
    expect(joined).toMatch(/^timezone: not an IANA time zone name/m);
    expect(joined).toMatch(/^schedule\.sweep: a local time HH:MM/m);
    expect(joined).toMatch(/^schedule\.tbc_reminder: a local time HH:MM/m);
    expect(joined).toMatch(/^schedule: .*daily/m);
    expect(joined).toMatch(/^schedule\.sweep_to\.1: unknown staff id "boss"/m);
    expect(joined).toMatch(/^business_days\.1: /m);
    expect(joined).toMatch(/^holidays\.1: not a calendar date/m);
    expect(joined).toMatch(/^holidays\.2: a date YYYY-MM-DD/m);
  });
});
