import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeConfigFile } from '../support/config.js';
import { useDovecot } from '../support/dovecot.js';
import { clientMail } from '../support/emails.js';
import { appendMail, waitFor } from '../support/mailbox.js';
import { freshUser } from '../support/ticketd.js';
import { buildOnce, cliPath, ticketd } from './support.js';

// `ticketd backup FILE` (the built CLI) while a real daemon process ingests from Dovecot.

beforeAll(() => buildOnce(), 180_000);
const dovecot = useDovecot();
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

function query<T>(file: string, sql: string): T[] {
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 2000');
    return db.prepare(sql).all() as T[];
  } catch {
    return []; // schema not there yet
  } finally {
    db.close();
  }
}

describe('ticketd backup', () => {
  it('while the daemon ingests: a copy that opens, passes its integrity check and holds every ticket committed before it started, whole', async () => {
    const { user, dir } = freshUser('backup');
    const N = 400;
    await appendMail(dovecot, user, Array.from({ length: N }, (_, i) => clientMail({ from: `Client ${i} <c${i}@shop.example>`, subject: `Refund request ${i}` }).raw));
    const file = writeConfigFile(dir, user, dovecot, { mailbox: { batch_size: 20 } });
    const dbFile = path.join(dir, 'ticketd.sqlite');
    const child = spawn(process.execPath, [cliPath, 'run', '-c', file], { stdio: 'ignore', env: { ...process.env, TICKETD_LOG_LEVEL: 'silent' } });
    children.add(child);
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      await waitFor('some tickets', () => (query<{ n: number }>(dbFile, 'SELECT COUNT(*) AS n FROM tickets')[0]?.n ?? 0) >= 30, 30_000, 5);
      const before = query<{ key: string }>(dbFile, 'SELECT key FROM tickets ORDER BY id').map((t) => t.key);
      expect(before.length).toBeLessThan(N); // the daemon is still at work

      const out = path.join(dir, 'copy.sqlite');
      const r = ticketd(['backup', out, '-c', file, '--json']);
      expect(r.status, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout) as { file: string; tickets: number };
      expect(result.file).toBe(out);
      expect(statSync(out).mode & 0o777).toBe(0o600);

      const copy = new Database(out, { readonly: true, fileMustExist: true });
      try {
        expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
        const keys = (copy.prepare('SELECT key FROM tickets ORDER BY id').all() as { key: string }[]).map((t) => t.key);
        expect(keys.length).toBe(result.tickets);
        expect(keys.slice(0, before.length)).toEqual(before);
        // Whole transactions only: each ticket with its journal row, message and created event.
        const partial = copy
          .prepare(
            `SELECT t.key FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM journal j WHERE j.ticket_id = t.id AND j.outcome = 'created')
               OR NOT EXISTS (SELECT 1 FROM messages m WHERE m.ticket_id = t.id)
               OR NOT EXISTS (SELECT 1 FROM events e WHERE e.ticket_id = t.id AND e.kind = 'created')`,
          )
          .all();
        expect(partial).toEqual([]);
      } finally {
        copy.close();
      }

      // FILE exists now: refused without --force (exit 2), replaced with it.
      const again = ticketd(['backup', out, '-c', file]);
      expect(again.status).toBe(2);
      expect(again.stderr).toBe(`ticketd: ${out} exists; pass --force to replace it\n`);
      await waitFor('all tickets', () => query<{ n: number }>(dbFile, 'SELECT COUNT(*) AS n FROM tickets')[0]?.n === N, 60_000);
      const forced = ticketd(['backup', out, '-c', file, '--force']);
      expect(forced.status, forced.stderr).toBe(0);
      expect(forced.stdout).toBe(`backed up ${N} tickets to ${out} (${statSync(out).size} bytes)\n`);
    } finally {
      child.kill('SIGTERM');
      await exited;
      children.delete(child);
    }
  }, 120_000);

  it('the database itself is never the target', () => {
    const { dir } = freshUser('backupself');
    const file = writeConfigFile(dir, 'nobody', dovecot);
    const r = ticketd(['backup', path.join(dir, 'ticketd.sqlite'), '-c', file, '--force']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('would be the database itself');
  });
});
