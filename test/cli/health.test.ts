import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeConfigFile } from '../support/config.js';
import { useDovecot } from '../support/dovecot.js';
import { clientMail } from '../support/emails.js';
import { appendMail, waitFor } from '../support/mailbox.js';
import { useSmtp } from '../support/smtp.js';
import { freshUser } from '../support/ticketd.js';
import { buildOnce, cliPath, ticketd } from './support.js';

// `ticketd health` (the built CLI) beside a real daemon process, real Dovecot and a real SMTP
// receiver: exit 0 ok, 1 warning, 2 critical.

beforeAll(() => buildOnce(), 180_000);
const dovecot = useDovecot();
const smtp = useSmtp();
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

function setup(prefix: string): { user: string; file: string; db: string } {
  const { user, dir } = freshUser(prefix);
  const file = writeConfigFile(dir, user, dovecot, {
    smtp: { host: '127.0.0.1', port: smtp.port, from: 'Agency support <support@agency.example>', retry_seconds: [0], max_attempts: 1, allow_plaintext: true },
  });
  return { user, file, db: `${dir}/ticketd.sqlite` };
}

function startDaemon(file: string): { stop: () => Promise<void>; stderr: () => string } {
  const child = spawn(process.execPath, [cliPath, 'run', '-c', file], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TICKETD_LOG_LEVEL: 'warn' } });
  children.add(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    stderr: () => err,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      children.delete(child);
    },
  };
}

function row<T>(dbFile: string, sql: string): T | undefined {
  if (!existsSync(dbFile)) return undefined;
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 2000');
    return db.prepare(sql).get() as T | undefined;
  } catch {
    return undefined; // schema not there yet
  } finally {
    db.close();
  }
}

interface HealthJson {
  status: string;
  exitCode: number;
  checks: { name: string; level: string; problem: string | null }[];
  facts: { daemon: { held: boolean; pid: number | null }; mailbox: { probe: { waiting: number | null } | null }; outbox: { failed: number } };
}
const health = (file: string) => {
  const r = ticketd(['health', '-c', file, '--json']);
  if (!r.stdout) throw new Error(`health printed nothing (exit ${r.status}): ${r.stderr}`);
  return { status: r.status, json: JSON.parse(r.stdout) as HealthJson, stderr: r.stderr };
};
const levels = (h: HealthJson) => Object.fromEntries(h.checks.map((c) => [c.name, c.level]));

describe('ticketd health', () => {
  it('no daemon on the database: critical, exit 2', () => {
    const { file } = setup('hnone');
    const h = health(file);
    expect(h.status).toBe(2);
    expect(h.json.checks.find((c) => c.name === 'daemon')).toMatchObject({ level: 'critical', problem: expect.stringContaining('no ticketd is running') });
  });

  it('a healthy daemon that read its mailbox and sent its mail: ok, exit 0, with the pid and nothing waiting', async () => {
    const { user, file, db } = setup('hok');
    await appendMail(dovecot, user, [clientMail({ from: 'Ok Client <ok.health@client.example>', subject: 'Refund for order 1' }).raw]);
    const d = startDaemon(file);
    try {
      await waitFor('the acknowledgement', () => smtp.received.some((r) => r.to.includes('ok.health@client.example')));
      await waitFor('a finished read and an empty outbox', () =>
        row<{ n: number }>(db, `SELECT (SELECT COUNT(*) FROM checkpoints WHERE read_at IS NOT NULL) * (SELECT COUNT(*) = 0 FROM outbox WHERE status != 'sent') AS n`)?.n === 1,
      );
      const h = health(file);
      expect(h.status, JSON.stringify(h.json.checks)).toBe(0);
      expect(h.json.status).toBe('ok');
      expect(h.json.facts.daemon).toMatchObject({ held: true, pid: expect.any(Number) });
      expect(h.json.facts.mailbox.probe?.waiting).toBe(0);
      const text = ticketd(['health', '-c', file]);
      expect(text.status).toBe(0);
      expect(text.stdout.split('\n')[0]).toBe('TICKETD OK');
      expect(text.stdout).toMatch(/mailbox +ok +last read .* \((just now|.* ago)\), 0 waiting unread by ticketd/);
      expect(text.stdout).toMatch(/daily_list off/);
    } finally {
      await d.stop();
    }
    expect(d.stderr()).not.toContain('another ticketd');
  });

  it('a failed outbox row: warning, exit 1, naming it', async () => {
    const { user, file, db } = setup('hfail');
    smtp.respond = (m) => (m.to.includes('gone.health@client.example') ? { code: 550, message: '5.1.1 mailbox unavailable' } : null);
    await appendMail(dovecot, user, [clientMail({ from: 'Gone Client <gone.health@client.example>', subject: 'Refund for order 2' }).raw]);
    const d = startDaemon(file);
    try {
      await waitFor('a failed acknowledgement, the rest sent', () =>
        row<{ n: number }>(db, `SELECT (SELECT COUNT(*) = 1 FROM outbox WHERE status = 'failed') * (SELECT COUNT(*) = 1 FROM outbox WHERE status = 'sent') AS n`)?.n === 1,
      );
      const h = health(file);
      expect(h.status).toBe(1);
      expect(h.json.status).toBe('warning');
      expect(levels(h.json)).toMatchObject({ daemon: 'ok', mailbox: 'ok', outbox: 'warning' });
      expect(h.json.checks.find((c) => c.name === 'outbox')!.problem).toContain('1 failed in the last day');
      expect(ticketd(['health', '-c', file]).stdout.split('\n')[0]).toMatch(/^TICKETD WARNING - outbox: 1 failed in the last day/);
    } finally {
      smtp.respond = () => null;
      await d.stop();
    }
  });

  it('Dovecot stopped: critical, exit 2, with the reason', async () => {
    const { user, file, db } = setup('hdown');
    await appendMail(dovecot, user, [clientMail({ subject: 'Refund for order 3' }).raw]);
    const d = startDaemon(file);
    try {
      await waitFor('a finished read', () => row<{ n: number }>(db, `SELECT COUNT(*) AS n FROM checkpoints WHERE read_at IS NOT NULL`)?.n === 1);
      dovecot.stop();
      const h = health(file);
      expect(h.status).toBe(2);
      expect(levels(h.json)).toMatchObject({ daemon: 'ok', mailbox: 'critical' });
      expect(h.json.checks.find((c) => c.name === 'mailbox')!.problem).toBe(`cannot read the mailbox: connection refused by 127.0.0.1:${dovecot.imapPort}`);
    } finally {
      dovecot.restart();
      await d.stop();
    }
  });

  it('a wrong mailbox password: critical, named as an authentication failure', () => {
    const { user, dir } = freshUser('hauth');
    const file = writeConfigFile(dir, user, { imapPort: dovecot.imapPort, password: 'not-the-password' });
    const h = health(file);
    expect(h.status).toBe(2);
    expect(h.json.checks.find((c) => c.name === 'mailbox')!.problem).toBe(`cannot read the mailbox: authentication failed for ${user} at 127.0.0.1:${dovecot.imapPort}`);
  });
});
