import type { Db } from './db.js';

// The outbox table: one row per outgoing mail, written in the transaction of the change that
// causes it and delivered later by src/outbox/deliver.ts.

export type OutboxStatus = 'pending' | 'sent' | 'failed' | 'held';

export interface NewOutboxRow {
  ticketId: number | null;
  journalId: number | null;
  kind: string;
  toAddr: string;
  subject: string;
  messageId: string; // without angle brackets, fixed forever
  inReplyTo: string | null;
  refs: string[];
  headers: Record<string, string>;
  text: string;
  html: string | null;
  status: 'pending' | 'held';
  lastError: string | null;
  createdAt: string;
}

export interface OutboxRow extends Omit<NewOutboxRow, 'status'> {
  id: number;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string;
  sentAt: string | null;
}

interface RawRow {
  id: number;
  ticket_id: number | null;
  journal_id: number | null;
  kind: string;
  to_addr: string;
  subject: string;
  message_id: string;
  in_reply_to: string | null;
  refs: string | null;
  headers: string;
  text: string;
  html: string | null;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

const fromRaw = (r: RawRow): OutboxRow => ({
  id: r.id,
  ticketId: r.ticket_id,
  journalId: r.journal_id,
  kind: r.kind,
  toAddr: r.to_addr,
  subject: r.subject,
  messageId: r.message_id,
  inReplyTo: r.in_reply_to,
  refs: r.refs ? r.refs.split(' ') : [],
  headers: JSON.parse(r.headers) as Record<string, string>,
  text: r.text,
  html: r.html,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  sentAt: r.sent_at,
});

// Statements prepared once per connection: the delivery loop runs them per mail.
const cache = new WeakMap<Db, ReturnType<typeof prepare>>();

function prepare(db: Db) {
  return {
    insert: db.prepare(
      `INSERT INTO outbox (ticket_id, journal_id, kind, to_addr, subject, message_id, in_reply_to, refs,
         headers, text, html, status, next_attempt_at, last_error, created_at)
       VALUES (@ticketId, @journalId, @kind, @toAddr, @subject, @messageId, @inReplyTo, @refs,
         @headers, @text, @html, @status, @createdAt, @lastError, @createdAt)`,
    ),
    due: db.prepare<[string, number, number], RawRow>(
      `SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? AND id > ? ORDER BY id LIMIT ?`,
    ),
    nextDue: db.prepare<[], { at: string | null }>(`SELECT MIN(next_attempt_at) AS at FROM outbox WHERE status = 'pending'`),
    sent: db.prepare<[string, number]>(
      `UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?`,
    ),
    retry: db.prepare<[string, string, number]>(
      `UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?`,
    ),
    failed: db.prepare<[string, number]>(
      `UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?`,
    ),
    release: db.prepare<[string, number]>(
      `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ? AND status IN ('failed','held')`,
    ),
    byId: db.prepare<[number], RawRow>(`SELECT * FROM outbox WHERE id = ?`),
    // Counts stop at the limit: only "has the limit been reached" matters, and a burst must
    // not make every enqueue scan the whole window.
    countTo: db.prepare<[string, string, number], { n: number }>(
      `SELECT COUNT(*) AS n FROM (SELECT 1 FROM outbox WHERE to_addr = ? AND created_at >= ? AND status != 'held'
         AND json_extract(headers, '$."Auto-Submitted"') = 'auto-replied' ORDER BY created_at LIMIT ?)`,
    ),
    countAll: db.prepare<[string, number], { n: number }>(
      `SELECT COUNT(*) AS n FROM (SELECT 1 FROM outbox WHERE created_at >= ? AND status != 'held' ORDER BY created_at LIMIT ?)`,
    ),
    // Ids are unique integers, so MAX - MIN + 1 bounds the row count; two rowid look-ups.
    idSpan: db.prepare<[], { n: number | null }>(`SELECT (SELECT MAX(id) FROM outbox) - (SELECT MIN(id) FROM outbox) + 1 AS n`),
    event: db.prepare(
      `INSERT INTO events (ticket_id, journal_id, at, actor, via, kind, data)
       VALUES (@ticketId, @journalId, @at, @actor, @via, @kind, @data)`,
    ),
  };
}

const st = (db: Db) => {
  let s = cache.get(db);
  if (!s) cache.set(db, (s = prepare(db)));
  return s;
};

export function insertOutbox(db: Db, row: NewOutboxRow): number {
  const info = st(db).insert.run({ ...row, refs: row.refs.join(' ') || null, headers: JSON.stringify(row.headers) });
  return Number(info.lastInsertRowid);
}

/** Pending rows due at `now`, oldest first, after id `afterId` (one pass never repeats a row). */
export const dueOutbox = (db: Db, now: string, afterId: number, limit: number): OutboxRow[] =>
  st(db).due.all(now, afterId, limit).map(fromRaw);

export const nextDueAt = (db: Db): string | null => st(db).nextDue.get()?.at ?? null;

export const getOutbox = (db: Db, id: number): OutboxRow | null => {
  const r = st(db).byId.get(id);
  return r ? fromRaw(r) : null;
};

/** The one statement between SMTP acceptance and "sent": the whole duplicate window. */
export const markSent = (db: Db, id: number, at: string): void => void st(db).sent.run(at, id);
export const markRetry = (db: Db, id: number, error: string, nextAt: string): void => void st(db).retry.run(error, nextAt, id);
export const markFailed = (db: Db, id: number, error: string): void => void st(db).failed.run(error, id);

/** Failed or held → pending now, with a fresh set of attempts. False when not retryable. */
export const releaseOutbox = (db: Db, id: number, now: string): boolean => st(db).release.run(now, id).changes === 1;

/** Automatic replies (not held) to one address since `since`, counted up to `upTo`. */
export const autoRepliesTo = (db: Db, addr: string, since: string, upTo: number): number => st(db).countTo.get(addr, since, upTo)!.n;
/** Every mail (not held) written since `since`, counted up to `upTo`. */
export const mailsSince = (db: Db, since: string, upTo: number): number => st(db).countAll.get(since, upTo)!.n;

/**
 * Have `limit` mails (not held) been written since `since`? With fewer rows than that in the
 * whole table the answer is no without counting (a high limit would make every enqueue
 * count the whole window); otherwise the count, bounded by the limit.
 */
export function mailsSinceReach(db: Db, since: string, limit: number): boolean {
  const s = st(db);
  if ((s.idSpan.get()?.n ?? 0) < limit) return false;
  return s.countAll.get(since, limit)!.n >= limit;
}

export function listOutbox(db: Db, statuses: OutboxStatus[]): OutboxRow[] {
  const marks = statuses.map(() => '?').join(',');
  return db
    .prepare<OutboxStatus[], RawRow>(`SELECT * FROM outbox WHERE status IN (${marks}) ORDER BY id`)
    .all(...statuses)
    .map(fromRaw);
}

export interface OutboxEvent {
  ticketId: number | null;
  journalId: number | null;
  at: string;
  actor: string;
  via: 'email' | 'cli' | 'cron' | 'system';
  kind: string;
  data: Record<string, unknown>;
}

/** An event about a mail (held back, released); on the ticket when there is one. */
export const recordOutboxEvent = (db: Db, e: OutboxEvent): void =>
  void st(db).event.run({ ...e, data: JSON.stringify(e.data) });
