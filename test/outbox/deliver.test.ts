import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { drainOutbox, LOOP_PASS_MAILS, startOutboxLoop, UnmarkedMailError } from '../../src/outbox/deliver.js';
import { createOutboxHook } from '../../src/outbox/enqueue.js';
import { listUndelivered, retryMail, retryMails } from '../../src/service/outbox.js';
import type { ChangeHook } from '../../src/tickets/changes.js';
import { openDb, type Db } from '../../src/store/db.js';
import { getOutbox, listOutbox } from '../../src/store/outbox.js';
import { loadTemplates } from '../../src/templates/load.js';
import { outboxConfig } from '../support/outbox-config.js';
import { clientMessage, makeTicket } from '../support/outbox-db.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';

const log = createLogger('silent');
let smtp: TestSmtp;
let dir: string;
let config: Config;
let db: Db;
let hook: ChangeHook;

beforeAll(async () => {
  smtp = await startSmtp();
  dir = mkdtempSync(path.join(tmpdir(), 'tkd-deliver-'));
});
afterAll(async () => {
  await smtp.stop();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
beforeEach(async () => {
  await smtp.up();
  smtp.received.length = 0;
  smtp.respond = () => null;
  smtp.delayMs = 0;
  config = outboxConfig({
    database: `db-${++n}.sqlite`,
    smtp: { host: '127.0.0.1', port: smtp.port, from: 'Agency support <support@agency.example>', retry_seconds: [0], max_attempts: 3, allow_plaintext: true },
  }, dir);
  db = openDb(config.database);
  hook = createOutboxHook(config, loadTemplates(config));
});
afterEach(() => db.close());

/** A new ticket from a client: an acknowledgement and an assignment notice in the outbox. */
function newTicket(clientEmail = 'dana@bakery.example') {
  const t = makeTicket(db, { clientEmail });
  const m = clientMessage(t);
  db.transaction(() => hook(db, { kind: 'ticket-created', ticket: t, message: m }))();
  return { t, m };
}

const statuses = () => listOutbox(db, ['pending', 'sent', 'failed', 'held']).map((r) => r.status);

describe('outbox delivery over SMTP', () => {
  it('delivers each mail once with its fixed Message-ID, threading and loop headers', async () => {
    const { t, m } = newTicket();
    const result = await drainOutbox(config, db, log);
    expect(result).toEqual({ sent: 2, retried: 0, failed: 0 });
    expect(statuses()).toEqual(['sent', 'sent']);
    const [ackRow, noticeRow] = listOutbox(db, ['sent']);
    const ack = smtp.received.find((r) => r.to[0] === 'dana@bakery.example')!;
    expect(ack.messageId).toBe(ackRow!.messageId);
    expect(ack.subject).toBe(`[${t.key}] ${t.subject}`);
    expect(ack.inReplyTo).toBe(m.messageId);
    expect(ack.references).toEqual(['earlier@bakery.example', m.messageId]);
    expect(ack.header('auto-submitted')).toBe('auto-replied');
    expect(ack.header('x-ticketd-loop')).toBe('ticketd');
    expect(ack.header('x-auto-response-suppress')).toBe('All');
    expect(ack.text).toContain(t.key);
    expect(ack.html).toContain(t.key);
    const notice = smtp.received.find((r) => r.to[0] === 'seth@agency.example')!;
    expect(notice.messageId).toBe(noticeRow!.messageId);
    expect(notice.inReplyTo).toBe(t.threadMessageId);
    // A second pass has nothing left to send.
    expect(await drainOutbox(config, db, log)).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(smtp.received).toHaveLength(2);
  });

  it('SMTP down while mail is queued, then up: every mail delivered exactly once', async () => {
    for (let i = 0; i < 5; i++) newTicket(`client${i}@x.example`);
    await smtp.down();
    expect(await drainOutbox(config, db, log)).toEqual({ sent: 0, retried: 10, failed: 0 });
    const waiting = listOutbox(db, ['pending']);
    expect(waiting).toHaveLength(10);
    expect(waiting[0]!.attempts).toBe(1);
    expect(waiting[0]!.lastError).toMatch(/ECONNREFUSED|ECONNECTION/);
    await smtp.up();
    expect(await drainOutbox(config, db, log)).toEqual({ sent: 10, retried: 0, failed: 0 });
    const ids = smtp.received.map((r) => r.messageId).sort();
    expect(ids).toEqual(listOutbox(db, ['sent']).map((r) => r.messageId).sort());
    expect(new Set(ids).size).toBe(10);
  });

  it('a 550 marks the mail failed with the server reply; visible in the list and retryable', async () => {
    newTicket();
    smtp.respond = ({ to }) => (to[0] === 'dana@bakery.example' ? { code: 550, message: '5.1.1 <dana@bakery.example>: no such user' } : null);
    expect(await drainOutbox(config, db, log)).toEqual({ sent: 1, retried: 0, failed: 1 });
    const [failed, ...others] = listUndelivered(config);
    expect(others).toEqual([]);
    expect(failed).toMatchObject({ status: 'failed', kind: 'ack', to: 'dana@bakery.example', attempts: 1 });
    expect(failed!.lastError).toMatch(/^550 5\.1\.1 <dana@bakery\.example>: no such user/);
    expect(failed!.ticketKey).toMatch(/^SEO-/);
    // Nothing retries a permanent failure on its own.
    expect(await drainOutbox(config, db, log)).toEqual({ sent: 0, retried: 0, failed: 0 });

    smtp.respond = () => null;
    retryMail(config, failed!.id);
    expect(getOutbox(db, failed!.id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await drainOutbox(config, db, log)).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(smtp.received.filter((r) => r.messageId === failed!.messageId)).toHaveLength(1);
    const ev = db.prepare(`SELECT kind, via FROM events WHERE kind = 'mail_retried'`).all();
    expect(ev).toEqual([{ kind: 'mail_retried', via: 'cli' }]);
    expect(() => retryMail(config, failed!.id)).toThrow(/is sent: only failed or held mail can be retried/);
  });

  it('a 421 is temporary: retried, and delivered once the server takes mail again', async () => {
    newTicket();
    smtp.respond = () => ({ code: 421, message: '4.3.2 try again later' });
    expect(await drainOutbox(config, db, log)).toEqual({ sent: 0, retried: 2, failed: 0 });
    expect(listOutbox(db, ['pending'])[0]!.lastError).toMatch(/^421 4\.3\.2 try again later/);
    smtp.respond = () => null;
    expect(await drainOutbox(config, db, log)).toEqual({ sent: 2, retried: 0, failed: 0 });
    expect(smtp.received).toHaveLength(2);
  });

  it('temporary failures that never end run out of attempts into "failed"', async () => {
    newTicket();
    smtp.respond = () => ({ code: 451, message: '4.7.1 greylisted' });
    expect(await drainOutbox(config, db, log)).toEqual({ sent: 0, retried: 2, failed: 0 });
    expect(await drainOutbox(config, db, log)).toEqual({ sent: 0, retried: 2, failed: 0 });
    // max_attempts is 3 in this config.
    expect(await drainOutbox(config, db, log)).toEqual({ sent: 0, retried: 0, failed: 2 });
    expect(listOutbox(db, ['failed'])[0]!.lastError).toMatch(/^gave up after 3 attempts: 451/);
    expect(smtp.received).toHaveLength(0);
  });

  it('waits out the retry schedule before trying again', async () => {
    config.smtp!.retry_seconds = [3600];
    newTicket();
    await smtp.down();
    await drainOutbox(config, db, log);
    await smtp.up();
    expect(await drainOutbox(config, db, log)).toEqual({ sent: 0, retried: 0, failed: 0 });
    const next = Date.parse(listOutbox(db, ['pending'])[0]!.nextAttemptAt);
    expect(next - Date.now()).toBeGreaterThan(3500_000);
  });

  /** Once the server accepted the first mail, another connection holds the write lock: marking it sent fails. */
  function lockStoreOnFirstAccept(): { release(): void } {
    db.pragma('busy_timeout = 100');
    const other = new Database(config.database);
    smtp.respond = () => {
      if (!other.inTransaction) other.exec('BEGIN IMMEDIATE');
      return null;
    };
    return {
      release() {
        if (other.inTransaction) other.exec('COMMIT');
        other.close();
      },
    };
  }

  it('mail the server accepted but the store could not mark sent is never sent again; only the mark is retried', async () => {
    newTicket();
    const lock = lockStoreOnFirstAccept();
    try {
      await expect(drainOutbox(config, db, log)).rejects.toThrow(UnmarkedMailError);
      expect(smtp.received).toHaveLength(2);
      // The next pass, store still locked: fails again, sends nothing.
      await expect(drainOutbox(config, db, log)).rejects.toThrow(/could not be marked sent/);
      expect(smtp.received).toHaveLength(2);
    } finally {
      lock.release();
    }
    // The store is back: the marks go through, and still nothing is sent again.
    expect(await drainOutbox(config, db, log)).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(statuses()).toEqual(['sent', 'sent']);
    expect(smtp.received).toHaveLength(2);
  });

  it('the daemon loop stops with an error, instead of resending every second, when a mark fails', async () => {
    newTicket();
    const lock = lockStoreOnFirstAccept();
    try {
      const loop = startOutboxLoop(config, db, log, { idleMs: 50 });
      await expect(loop.done).rejects.toThrow(UnmarkedMailError);
      await expect(loop.stop()).rejects.toThrow(UnmarkedMailError);
      expect(smtp.received).toHaveLength(2);
    } finally {
      lock.release();
    }
  });

  it('two deliverers at once (two connections, as two processes): every mail sent once', async () => {
    for (let i = 0; i < 10; i++) newTicket(`client${i}@x.example`);
    const db2 = openDb(config.database);
    try {
      smtp.delayMs = 5;
      const [a, b] = await Promise.all([drainOutbox(config, db, log), drainOutbox(config, db2, log)]);
      expect(a.sent + b.sent).toBe(20);
    } finally {
      db2.close();
    }
    expect(smtp.received).toHaveLength(20);
    expect(new Set(smtp.received.map((r) => r.messageId)).size).toBe(20);
    expect(new Set(statuses())).toEqual(new Set(['sent']));
  });

  const claim = (id: number, by: string, minutesAgo = 0) =>
    db.prepare(`UPDATE outbox SET status = 'sending', claimed_at = ?, claimed_by = ? WHERE id = ?`)
      .run(new Date(Date.now() - minutesAgo * 60_000).toISOString(), by, id);

  it('a claim by a dead process on this host is reset and the mail sent; a live recent one is left alone', async () => {
    newTicket();
    const [ack, notice] = listOutbox(db, ['pending']);
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    claim(ack!.id, `${hostname()}/${dead}/0bad`);
    claim(notice!.id, `${hostname()}/${process.ppid}/0abc`); // alive: the test runner
    expect(await drainOutbox(config, db, log)).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(smtp.received.map((r) => r.messageId)).toEqual([ack!.messageId]);
    expect(getOutbox(db, notice!.id)).toMatchObject({ status: 'sending', claimedBy: `${hostname()}/${process.ppid}/0abc` });
  });

  it('a claim older than a few minutes is reset, whoever holds it', async () => {
    newTicket();
    for (const r of listOutbox(db, ['pending'])) claim(r.id, 'elsewhere.example/4242/beef', 11);
    expect(await drainOutbox(config, db, log)).toEqual({ sent: 2, retried: 0, failed: 0 });
    expect(statuses()).toEqual(['sent', 'sent']);
  });

  it('a row whose headers would name several recipients reaches exactly one RCPT: its own address', async () => {
    newTicket();
    const [ack] = listOutbox(db, ['pending']);
    db.prepare(`UPDATE outbox SET headers = json_set(headers, '$.Cc', 'eve@victim.example, fay@victim.example') WHERE id = ?`).run(ack!.id);
    expect(await drainOutbox(config, db, log)).toEqual({ sent: 2, retried: 0, failed: 0 });
    const got = smtp.received.find((r) => r.messageId === ack!.messageId)!;
    expect(got.to).toEqual(['dana@bakery.example']);
    expect(got.envelopeFrom).toBe('support@agency.example');
    expect(smtp.received.flatMap((r) => r.to).sort()).toEqual(['dana@bakery.example', 'seth@agency.example']);
  });

  it('a row written before the recipient check, addressed to a list, is never handed to SMTP: failed, with why', async () => {
    newTicket();
    const [ack] = listOutbox(db, ['pending']);
    db.prepare(`UPDATE outbox SET to_addr = 'dana@bakery.example, eve@victim.example' WHERE id = ?`).run(ack!.id);
    expect(await drainOutbox(config, db, log)).toEqual({ sent: 1, retried: 0, failed: 1 });
    expect(smtp.received.flatMap((r) => r.to)).toEqual(['seth@agency.example']);
    expect(getOutbox(db, ack!.id)).toMatchObject({ status: 'failed', lastError: 'not sent: the recipient lists 2 addresses' });
  });

  it('victim+1..8@ share one quota: 5 automatic replies are delivered, the rest held', async () => {
    for (let i = 1; i <= 8; i++) newTicket(`victim+${i}@else.example`);
    expect(await drainOutbox(config, db, log)).toEqual({ sent: 13, retried: 0, failed: 0 });
    const victims = smtp.received.filter((r) => r.to[0]!.endsWith('@else.example'));
    expect(victims.map((r) => r.to).sort()).toEqual([1, 2, 3, 4, 5].map((i) => [`victim+${i}@else.example`]));
    expect(smtp.received.filter((r) => r.to[0] === 'seth@agency.example')).toHaveLength(8);
    expect(listOutbox(db, ['held']).map((r) => r.toAddr)).toEqual([6, 7, 8].map((i) => `victim+${i}@else.example`));
  });

  it('automatic replies over the global budget are held, notices still go; released by the operator, they go and are not held again', async () => {
    config.rate_limits.global = { count: 3, minutes: 10 };
    hook = createOutboxHook(config, loadTemplates(config));
    for (let i = 0; i < 5; i++) newTicket(`client${i}@x.example`);
    // Our own support address: held by the loop guard, which no release overrides.
    newTicket('support+seo@agency.example');
    expect(await drainOutbox(config, db, log)).toEqual({ sent: 9, retried: 0, failed: 0 });
    expect(smtp.received.filter((r) => r.to[0] === 'seth@agency.example')).toHaveLength(6);
    const held = listUndelivered(config);
    expect(held.map((m) => [m.status, m.to, m.lastError])).toEqual([
      ['held', 'client3@x.example', 'held back by the global limit: 3 automatic replies in 10 minutes'],
      ['held', 'client4@x.example', 'held back by the global limit: 3 automatic replies in 10 minutes'],
      ['held', 'support+seo@agency.example', 'held back: support+seo@agency.example is our own support address (a loop in the making)'],
    ]);
    expect(retryMails(config, ['held'])).toEqual({ failed: 0, held: 2, keptOwn: 1 });
    expect(await drainOutbox(config, db, log)).toEqual({ sent: 2, retried: 0, failed: 0 });
    expect(smtp.received.map((r) => r.to[0]).filter((a) => a!.startsWith('client')).sort()).toEqual(
      [0, 1, 2, 3, 4].map((i) => `client${i}@x.example`),
    );
    expect(listOutbox(db, ['held']).map((r) => r.toAddr)).toEqual(['support+seo@agency.example']);
    expect(() => retryMail(config, held[2]!.id)).toThrow(/addressed to our own support address/);
  });

  /** n acknowledgements to n different clients, pending; no notices (triage queue). */
  function pendingAcks(n: number): void {
    db.transaction(() => {
      for (let i = 0; i < n; i++) {
        const t = makeTicket(db, { clientEmail: `queued${i}@x.example`, assignee: null, typeId: 'triage' });
        hook(db, { kind: 'ticket-created', ticket: t, message: clientMessage(t) });
      }
    })();
  }

  it('1,000 queued automatic replies do not delay a new assignment notice: a bounded pass sends it first', async () => {
    config.rate_limits.global = { count: 5000, minutes: 10 };
    hook = createOutboxHook(config, loadTemplates(config));
    pendingAcks(1000);
    const { t } = newTicket('late@x.example');
    const notice = listOutbox(db, ['pending']).find((r) => r.kind === 'assigned')!;
    expect(notice).toMatchObject({ ticketId: t.id, audience: 'staff' });
    expect(await drainOutbox(config, db, log, { limit: 10 })).toEqual({ sent: 10, retried: 0, failed: 0 });
    expect(smtp.received).toHaveLength(10);
    expect(smtp.received.filter((r) => r.messageId === notice.messageId)).toHaveLength(1);
    // The other nine were the oldest acknowledgements: the newest one still waits.
    expect(listOutbox(db, ['pending'])).toHaveLength(992);
  }, 60_000);

  it('the daemon loop: a notice written while 1,000 automatic replies go out waits one pass at most', async () => {
    config.rate_limits.global = { count: 5000, minutes: 10 };
    hook = createOutboxHook(config, loadTemplates(config));
    pendingAcks(1000);
    const loop = startOutboxLoop(config, db, log, { idleMs: 50 });
    try {
      await smtp.waitFor(20);
      const before = smtp.received.length;
      newTicket('late@x.example');
      const notice = listOutbox(db, ['pending']).find((r) => r.kind === 'assigned')!;
      loop.wake();
      await smtp.waitFor(1002, 60_000);
      const position = smtp.received.findIndex((r) => r.messageId === notice.messageId);
      // Behind it at most the rest of the pass in hand and the mails in flight.
      expect(position).toBeGreaterThanOrEqual(before);
      expect(position - before).toBeLessThanOrEqual(LOOP_PASS_MAILS + config.smtp!.pool_size * 2);
      expect(position).toBeLessThan(900);
    } finally {
      await loop.stop();
    }
  }, 90_000);

  it('the daemon loop delivers mail written after it started, and stops cleanly', async () => {
    const loop = startOutboxLoop(config, db, log, { idleMs: 50 });
    try {
      newTicket();
      loop.wake();
      await smtp.waitFor(2);
    } finally {
      await loop.stop();
    }
    expect(statuses()).toEqual(['sent', 'sent']);
  });
});
