import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, cliPath } from '../support/build.js';
import { removeDovecotDir, startDovecot, type RunningDovecot } from '../support/dovecot.js';
import { clientMail } from '../support/emails.js';
import { appendMail, listFolder, waitFor } from '../support/mailbox.js';
import { freshUser } from '../support/ticketd.js';
import { writeConfigFile } from '../support/config.js';
import path from 'node:path';

// The real CLI process (`ticketd run`), killed with SIGKILL at random points of a 500-message
// batch and restarted: every message ends as one journal row with an outcome and exactly one
// ticket. And SIGTERM lets the message in hand commit and exits 0.

let dovecot: RunningDovecot;
const children = new Set<ChildProcess>();
beforeAll(async () => {
  dovecot = startDovecot();
  await buildOnce();
});
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  dovecot?.stop();
  if (dovecot) removeDovecotDir(dovecot);
});

function startDaemon(configFile: string, once = false): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, [cliPath, 'run', '-c', configFile, ...(once ? ['--once'] : [])], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TICKETD_LOG_LEVEL: 'warn' },
  });
  children.add(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  return { child, exited, stderr: () => err };
}

function decided(dbFile: string): number {
  if (!existsSync(dbFile)) return 0;
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 2000');
    return (db.prepare('SELECT COUNT(*) AS n FROM journal WHERE outcome IS NOT NULL').get() as { n: number }).n;
  } catch {
    return 0; // schema not there yet
  } finally {
    db.close();
  }
}

function query<T>(dbFile: string, sql: string): T[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

describe('crash safety of the real daemon', () => {
  it('kill -9 at random points of a 500-message batch, then restart: one ticket per message, a complete journal', async () => {
    const { user, dir } = freshUser('kill');
    const N = 500;
    const subjects = Array.from({ length: N }, (_, i) => `Refund request number ${i}`);
    await appendMail(
      dovecot,
      user,
      subjects.map((s, i) => clientMail({ from: `Client ${i % 37} <client${i % 37}@shop${i % 11}.example>`, subject: s }).raw),
    );
    const configFile = writeConfigFile(dir, user, dovecot, { parse_workers: 2, mailbox: { poll_seconds: 1, batch_size: 50 } });
    const dbFile = path.join(dir, 'ticketd.sqlite');

    let threshold = 0;
    const kills: number[] = [];
    for (let round = 0; round < 5; round++) {
      threshold += 1 + Math.floor(Math.random() * 90);
      const d = startDaemon(configFile);
      await waitFor(`${threshold} decided messages`, () => decided(dbFile) >= threshold || d.child.exitCode !== null, 30_000, 5);
      expect(d.child.exitCode, d.stderr()).toBeNull();
      d.child.kill('SIGKILL');
      await d.exited;
      kills.push(decided(dbFile));
    }
    const last = startDaemon(configFile, true);
    expect(await last.exited, last.stderr()).toBe(0);

    const tickets = query<{ subject: string }>(dbFile, 'SELECT subject FROM tickets');
    expect(tickets).toHaveLength(N);
    expect(new Set(tickets.map((t) => t.subject))).toEqual(new Set(subjects));
    const journal = query<{ uid: number; outcome: string; server_marked: number }>(dbFile, 'SELECT uid, outcome, server_marked FROM journal ORDER BY uid');
    expect(journal.map((r) => r.uid)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(journal.filter((r) => r.outcome !== 'created' || r.server_marked !== 1)).toEqual([]);
    expect(query<{ n: number }>(dbFile, `SELECT COUNT(*) AS n FROM events WHERE kind = 'created'`)[0]!.n).toBe(N);
    // The outbox rows commit with the ticket: one acknowledgement per ticket (sent, pending
    // or held by the rate limit), never two.
    const acks = query<{ n: number }>(dbFile, `SELECT COUNT(*) AS n FROM outbox WHERE kind = 'ack' GROUP BY ticket_id`);
    expect(acks).toHaveLength(N);
    expect(acks.every((a) => a.n === 1)).toBe(true);
    expect((await listFolder(dovecot, user)).filter((m) => !m.seen)).toEqual([]);
    // The kills really landed mid-batch, not all before or after the work.
    expect(kills.some((k) => k > 0 && k < N)).toBe(true);
  }, 240_000);

  it('SIGTERM finishes the message in hand, commits and exits 0; a restart completes the rest', async () => {
    const { user, dir } = freshUser('term');
    const N = 200;
    await appendMail(dovecot, user, Array.from({ length: N }, (_, i) => clientMail({ subject: `Website error ${i}` }).raw));
    const configFile = writeConfigFile(dir, user, dovecot, { parse_workers: 2, mailbox: { poll_seconds: 1, batch_size: 20 } });
    const dbFile = path.join(dir, 'ticketd.sqlite');
    const d = startDaemon(configFile);
    // Signal on the first committed row, so the signal lands with most of the work still ahead.
    await waitFor('a first decided message', () => decided(dbFile) >= 1 || d.child.exitCode !== null, 30_000, 5);
    d.child.kill('SIGTERM');
    expect(await d.exited, d.stderr()).toBe(0);
    const atStop = query<{ n: number }>(dbFile, 'SELECT COUNT(*) AS n FROM tickets')[0]!.n;
    expect(atStop).toBe(decided(dbFile));
    // It stopped mid-batch: some work done, not all of it.
    expect(atStop).toBeGreaterThan(0);
    expect(atStop).toBeLessThan(N);
    // What it committed is marked on the server before it exits, also in the batch it stopped in.
    expect(query<{ n: number }>(dbFile, 'SELECT COUNT(*) AS n FROM journal WHERE outcome IS NOT NULL AND server_marked = 0')[0]!.n).toBe(0);
    const again = startDaemon(configFile, true);
    expect(await again.exited, again.stderr()).toBe(0);
    expect(query<{ n: number }>(dbFile, 'SELECT COUNT(*) AS n FROM tickets')[0]!.n).toBe(N);
  }, 120_000);
});
