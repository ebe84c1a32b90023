import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { openDb } from '../../src/store/db.js';
import { scheduleData, seedWeek } from '../schedule/seed-schedule.js';
import { buildOnce, cliPath, repoRoot, tempDir, ticketd, writeConfig } from './support.js';

beforeAll(buildOnce, 180_000);

// ticketd schedule and ticketd schedule run through the built CLI on a seeded file store.

function setup(over: Record<string, unknown> = {}) {
  const dir = tempDir();
  const data = { ...scheduleData(over), database: path.join(dir, 'ticketd.sqlite'), data_dir: path.join(dir, 'data') };
  const file = writeConfig(dir, data);
  const config = parseConfig(data, dir, {});
  const db = openDb(config.database);
  seedWeek(db, config);
  db.close();
  const query = <T>(sql: string): T[] => {
    const d = openDb(config.database);
    try {
      return d.prepare(sql).all() as T[];
    } finally {
      d.close();
    }
  };
  const run = (...args: string[]) => ticketd(['schedule', ...args, '-c', file]);
  return { file, run, query };
}

const SWEEP_MON = '2026-03-09T17:00:00-05:00';

describe('ticketd schedule run', () => {
  it('runs a job as if at --at; a second run sends nothing more', () => {
    const { run, query } = setup();
    const first = run('run', 'sweep', '--at', SWEEP_MON, '--json');
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ job: 'sweep', localDate: '2026-03-09', sent: [{ recipient: 'mia', tickets: 2 }], events: 2 });
    const second = run('run', 'sweep', '--at', '2026-03-09T17:30:00-05:00');
    expect(second.status).toBe(0);
    expect(second.stdout).toBe('sweep 2026-03-09: 0 mail(s)\n  already claimed today: mia\n');
    expect(query(`SELECT to_addr FROM outbox WHERE kind = 'sweep'`)).toEqual([{ to_addr: 'mia@agency.example' }]);
  });

  it('--dry-run prints the mails it would send and claims nothing', () => {
    const { run, query } = setup();
    const r = run('run', 'tbc_reminder', '--at', '2026-03-09T15:30:00-05:00', '--dry-run');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('tbc_reminder 2026-03-09 (dry run: nothing claimed): 3 mail(s)');
    expect(r.stdout).toContain('Subject: 1 ticket(s) waiting for your check today');
    expect(r.stdout).toContain('[REF-1004] Credit note layout');
    expect(query(`SELECT * FROM schedule_claims`)).toEqual([]);
    expect(query(`SELECT * FROM outbox`)).toEqual([]);
  });

  it('a weekend says why it is skipped; an unknown job or a bad --at is usage (exit 2)', () => {
    const { run } = setup();
    expect(run('run', 'daily_list', '--at', '2026-03-14T09:00:00-05:00').stdout).toBe('daily_list 2026-03-14: skipped: 2026-03-14 is not a business day (sat)\n');
    const unknown = run('run', 'weekly');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no job "weekly" (jobs: daily_list, tbc_reminder, sweep)');
    expect(run('run', 'sweep', '--at', 'yesterday').status).toBe(2);
  });

  it('kill -9 in the middle of a job leaves neither claim nor mail; the rerun sends each mail once', () => {
    const { file, run, query } = setup();
    const killed = spawnSync(process.execPath, [cliPath, 'schedule', 'run', 'daily_list', '--at', '2026-03-09T08:00:00-05:00', '-c', file], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, TICKETD_CONFIG: '', TICKETD_LOG_LEVEL: 'silent', TICKETD_TEST_KILL_IN_SCHEDULE: '1' },
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(query(`SELECT * FROM schedule_claims`)).toEqual([]);
    expect(query(`SELECT * FROM outbox`)).toEqual([]);
    expect(run('run', 'daily_list', '--at', '2026-03-09T08:00:00-05:00').status).toBe(0);
    run('run', 'daily_list', '--at', '2026-03-09T08:05:00-05:00');
    expect(query<{ to_addr: string }>(`SELECT to_addr FROM outbox ORDER BY to_addr`).map((r) => r.to_addr)).toEqual([
      'lee@agency.example',
      'mia@agency.example',
      'olivia@agency.example',
      'seth@agency.example',
    ]);
  });
});

describe('ticketd schedule', () => {
  it('lists the jobs with their local time, next run and last claims', () => {
    const { run } = setup({ holidays: ['2099-01-01'] });
    run('run', 'sweep', '--at', SWEEP_MON);
    const s = JSON.parse(run('--json').stdout) as { timezone: string; jobs: { name: string; time: string; nextRun: string; lastClaims: { recipient: string; localDate: string; outboxId: number | null }[] }[] };
    expect(s.timezone).toBe('America/Chicago');
    expect(s.jobs.map((j) => [j.name, j.time])).toEqual([
      ['daily_list', '08:00'],
      ['tbc_reminder', '15:30'],
      ['sweep', '17:00'],
    ]);
    expect(Date.parse(s.jobs[2]!.nextRun)).toBeGreaterThan(Date.now());
    expect(s.jobs[2]!.lastClaims.map((c) => [c.recipient, c.localDate])).toEqual([
      ['*', '2026-03-09'],
      ['mia', '2026-03-09'],
    ]);
    const text = run().stdout;
    expect(text).toMatch(/^sweep {2}17:00 {2}next: \d{4}-\d\d-\d\d 17:00 C[DS]T$/m);
    expect(text).toMatch(/^ {4}mia: mail #1, 2 ticket\(s\)/m);
    expect(text).toMatch(/^ {4}\(ticket events\): 2, at 2026-03-09 17:00 CDT$/m);
  });
});
