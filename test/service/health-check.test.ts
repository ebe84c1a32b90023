import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assessHealth, THRESHOLDS, type HealthFacts } from '../../src/service/health-check.js';
import { acquireLock, lockState } from '../../src/service/lock.js';

const now = new Date('2025-06-03T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const MIN = 60_000;

function facts(over: Partial<HealthFacts> = {}): HealthFacts {
  return {
    now,
    pollSeconds: 60,
    daemon: { held: true, pid: 42 },
    database: true,
    mailbox: { read: { uidvalidity: 1, lastUid: 10, readAt: ago(MIN) }, probe: { messages: 10, uidValidity: 1, waiting: 0 }, error: null },
    outbox: { pending: 0, held: 0, failed: 0, failedRecent: 0, oldestPending: null },
    journal: { failed: 0, failedRecent: 0 },
    jobs: [],
    disk: { path: '/var/lib/ticketd', freeBytes: 50 * 1024 ** 3, totalBytes: 100 * 1024 ** 3 },
    ...over,
  };
}
const levelOf = (f: HealthFacts, name: string) => assessHealth(f).checks.find((c) => c.name === name)!.level;

describe('health thresholds', () => {
  it('all well: ok, exit 0', () => {
    expect(assessHealth(facts())).toMatchObject({ level: 'ok', exitCode: 0 });
  });

  it('the worst check decides the exit code', () => {
    const f = facts({ daemon: { held: false, pid: null }, journal: { failed: 3, failedRecent: 1 } });
    expect(assessHealth(f)).toMatchObject({ level: 'critical', exitCode: 2 });
    expect(assessHealth(facts({ journal: { failed: 3, failedRecent: 1 } }))).toMatchObject({ level: 'warning', exitCode: 1 });
  });

  it('last read: warning after 10 minutes, critical after 30, stretched for a long poll interval', () => {
    const read = (ms: number, pollSeconds = 60) =>
      levelOf(facts({ pollSeconds, mailbox: { read: { uidvalidity: 1, lastUid: 1, readAt: ago(ms) }, probe: null, error: null } }), 'mailbox');
    expect([read(9 * MIN), read(11 * MIN), read(31 * MIN)]).toEqual(['ok', 'warning', 'critical']);
    expect(read(25 * MIN, 600)).toBe('ok');
    expect(levelOf(facts({ mailbox: { read: null, probe: null, error: null } }), 'mailbox')).toBe('warning');
  });

  it('oldest pending mail: warning after 15 minutes, critical after 2 hours; held mail and recent failures warn', () => {
    const out = (o: Partial<HealthFacts['outbox']>) => levelOf(facts({ outbox: { ...facts().outbox, ...o } }), 'outbox');
    expect([out({ pending: 1, oldestPending: ago(14 * MIN) }), out({ pending: 1, oldestPending: ago(16 * MIN) }), out({ pending: 1, oldestPending: ago(121 * MIN) })]).toEqual([
      'ok',
      'warning',
      'critical',
    ]);
    expect(out({ held: 1 })).toBe('warning');
    expect(out({ failed: 4, failedRecent: 0 })).toBe('ok'); // seen before: not a standing alarm
  });

  it('disk: warning under 1 GiB free, critical under 200 MiB', () => {
    const disk = (free: number) => levelOf(facts({ disk: { path: '/d', freeBytes: free, totalBytes: 10 * 1024 ** 3 } }), 'disk');
    expect([disk(THRESHOLDS.diskWarnBytes + 1), disk(THRESHOLDS.diskWarnBytes - 1), disk(THRESHOLDS.diskCriticalBytes - 1)]).toEqual(['ok', 'warning', 'critical']);
  });
});

describe('lock state', () => {
  it('tells a held lock (with the pid) from a free one, without taking it', () => {
    const db = path.join(mkdtempSync(path.join(tmpdir(), 'tkd-lockstate-')), 'ticketd.sqlite');
    expect(lockState(db)).toEqual({ held: false, pid: null });
    const lock = acquireLock(db);
    expect(lockState(db)).toEqual({ held: true, pid: process.pid });
    lock.release();
    expect(lockState(db)).toEqual({ held: false, pid: null });
    // The look took nothing: a daemon can still start.
    acquireLock(db).release();
  });
});
