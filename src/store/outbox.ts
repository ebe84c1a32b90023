import type { EventKind } from '../tickets/events.js';
import type { Channel } from '../tickets/status.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';

// The outbox table: one row per outgoing mail, written in the transaction of the change that
// causes it and delivered later by src/outbox/deliver.ts.

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'held';
/** Who a mail is for: staff mail is delivered first and never waits for a budget of automatic replies. */
export type OutboxAudience = 'staff' | 'outside';

export interface NewOutboxRow {
  ticketId: number | null;
  journalId: number | null;
  kind: string;
  /** Exactly one bare mailbox, as written (the caller checked it: see outbox/recipient.ts). */
  toAddr: string;
  /** toAddr lowercased without its +tag: what the rate limits count. */
  recipientKey: string;
  audience: OutboxAudience;
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
  claimedAt: string | null;
  claimedBy: string | null;
}

/** An outbox row as SQLite returns it (snake_case columns). */
export interface RawRow {
  id: number;
  ticket_id: number | null;
  journal_id: number | null;
  kind: string;
  to_addr: string;
  recipient_key: string;
  audience: OutboxAudience;
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
  claimed_at: string | null;
  claimed_by: string | null;
}

const fromRaw = (r: RawRow): OutboxRow => ({
  id: r.id,
  ticketId: r.ticket_id,
  journalId: r.journal_id,
  kind: r.kind,
  toAddr: r.to_addr,
  recipientKey: r.recipient_key,
  audience: r.audience,
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
  claimedAt: r.claimed_at,
  claimedBy: r.claimed_by,
});

// Statements prepared once per connection: the delivery loop runs them per mail.
const cache = new WeakMap<Db, ReturnType<typeof prepare>>();

function prepare(db: Db) {
  return {
    insert: db.prepare(
      `INSERT INTO outbox (ticket_id, journal_id, kind, to_addr, recipient_key, audience, subject, message_id, in_reply_to, refs,
         headers, text, html, status, next_attempt_at, last_error, created_at, auto_replied)
       VALUES (@ticketId, @journalId, @kind, @toAddr, @recipientKey, @audience, @subject, @messageId, @inReplyTo, @refs,
         @headers, @text, @html, @status, @createdAt, @lastError, @createdAt, @autoReplied)`,
    ),
    // One audience at a time, so the index (status, audience, next_attempt_at) gives the order.
    due: db.prepare<[OutboxAudience, string, number], RawRow>(
      `SELECT * FROM outbox WHERE status = 'pending' AND audience = ? AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
    ),
    nextDue: db.prepare<[], { at: string | null }>(`SELECT MIN(next_attempt_at) AS at FROM outbox WHERE status = 'pending'`),
    sent: db.prepare<[string, number]>(
      `UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?`,
    ),
    claim: db.prepare<[string, string, number, string]>(
      `UPDATE outbox SET status = 'sending', claimed_at = ?, claimed_by = ? WHERE id = ? AND status = 'pending' AND next_attempt_at <= ?`,
    ),
    claims: db.prepare<[], { id: number; claimed_at: string | null; claimed_by: string | null }>(
      `SELECT id, claimed_at, claimed_by FROM outbox WHERE status = 'sending'`,
    ),
    unclaim: db.prepare<[number, string | null]>(
      `UPDATE outbox SET status = 'pending', claimed_at = NULL, claimed_by = NULL WHERE id = ? AND status = 'sending' AND claimed_by IS ?`,
    ),
    retry: db.prepare<[string, string, number]>(
      `UPDATE outbox SET status = 'pending', claimed_at = NULL, claimed_by = NULL, attempts = attempts + 1, last_error = ?,
         next_attempt_at = ? WHERE id = ?`,
    ),
    // A try that says nothing about the mail (our login was refused): not counted as an attempt,
    // and still due, so the first pass after the config is fixed sends it.
    postpone: db.prepare<[string, number]>(
      `UPDATE outbox SET status = 'pending', claimed_at = NULL, claimed_by = NULL, last_error = ? WHERE id = ?`,
    ),
    failed: db.prepare<[string, number]>(
      `UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?`,
    ),
    release: db.prepare<[string, number]>(
      `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ? AND status IN ('failed','held')`,
    ),
    byId: db.prepare<[number], RawRow>(`SELECT * FROM outbox WHERE id = ?`),
    // Counts stop at the limit: only "has the limit been reached" matters, and a burst must
    // not make every enqueue scan the whole window. Both read only a partial covering index.
    countTo: db.prepare<[string, string, number], { n: number }>(
      `SELECT COUNT(*) AS n FROM (SELECT 1 FROM outbox WHERE auto_replied = 1 AND recipient_key = ? AND created_at >= ?
         AND status != 'held' ORDER BY created_at LIMIT ?)`,
    ),
    // Rows ever written (ids are never reused): an upper bound on any count, from the rowid
    // b-tree's ends. Two subqueries: SQLite's min/max shortcut serves one aggregate a query,
    // `SELECT MAX(id) - MIN(id)` would scan the table.
    idSpan: db.prepare<[], { n: number | null }>(`SELECT (SELECT MAX(id) FROM outbox) - (SELECT MIN(id) FROM outbox) + 1 AS n`),
    countAll: db.prepare<[string, number], { n: number }>(
      `SELECT COUNT(*) AS n FROM (SELECT 1 FROM outbox WHERE auto_replied = 1 AND created_at >= ?
         AND status != 'held' AND audience = 'outside' ORDER BY created_at LIMIT ?)`,
    ),
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
  const info = st(db).insert.run({
    ...row,
    refs: row.refs.join(' ') || null,
    headers: JSON.stringify(row.headers),
    autoReplied: row.headers['Auto-Submitted'] === 'auto-replied' ? 1 : 0,
  });
  return Number(info.lastInsertRowid);
}

/**
 * Up to `limit` pending rows due at `now`: staff mail first, then mail to the outside, each
 * by due time. A thousand queued acknowledgements never stand before an assignment notice.
 */
export function dueOutbox(db: Db, now: string, limit: number): OutboxRow[] {
  const staff = st(db).due.all('staff', now, limit);
  const outside = staff.length < limit ? st(db).due.all('outside', now, limit - staff.length) : [];
  return [...staff, ...outside].map(fromRaw);
}

export const nextDueAt = (db: Db): string | null => st(db).nextDue.get()?.at ?? null;

export const getOutbox = (db: Db, id: number): OutboxRow | null => {
  const r = st(db).byId.get(id);
  return r ? fromRaw(r) : null;
};

/**
 * Take a due pending row for sending ('sending'); false when another deliverer took it (or
 * it is no longer due) since it was selected. Every send is preceded by this one statement.
 */
export const claimOutbox = (db: Db, id: number, now: string, by: string): boolean => st(db).claim.run(now, by, id, now).changes === 1;

/**
 * Put claims back to pending whose deliverer is gone (`isStale` says so) so they are sent.
 * Returns the ids. If that deliverer was in fact alive and its server had accepted the mail,
 * this sends it twice: the one duplicate window besides the sent-mark.
 */
export function releaseStaleClaims(db: Db, isStale: (claimedAt: string | null, claimedBy: string | null) => boolean): number[] {
  const released: number[] = [];
  for (const c of st(db).claims.all())
    if (isStale(c.claimed_at, c.claimed_by) && st(db).unclaim.run(c.id, c.claimed_by).changes === 1) released.push(c.id);
  return released;
}

/** The one statement between SMTP acceptance and "sent": the whole duplicate window. */
export const markSent = (db: Db, id: number, at: string): void => void st(db).sent.run(at, id);
export const markRetry = (db: Db, id: number, error: string, nextAt: string): void => void st(db).retry.run(error, nextAt, id);
export const markPostponed = (db: Db, id: number, error: string): void => void st(db).postpone.run(error, id);
export const markFailed = (db: Db, id: number, error: string): void => void st(db).failed.run(error, id);

/** Failed or held → pending now, with a fresh set of attempts. False when not retryable. */
export const releaseOutbox = (db: Db, id: number, now: string): boolean => st(db).release.run(now, id).changes === 1;

/** Automatic replies (not held) to one recipient key since `since`, counted up to `upTo`. */
export const autoRepliesTo = (db: Db, recipientKey: string, since: string, upTo: number): number =>
  st(db).countTo.get(recipientKey, since, upTo)!.n;

/** Automatic replies (not held) to the outside since `since`, counted up to `upTo`. */
export function autoRepliesSince(db: Db, since: string, upTo: number): number {
  const s = st(db);
  // Fewer rows than the limit in the whole table: under it without a scan (a high limit, as
  // the bench sets, would otherwise make every enqueue walk the whole window).
  const span = s.idSpan.get()?.n ?? 0;
  return span < upTo ? span : s.countAll.get(since, upTo)!.n;
}

export function listOutbox(db: Db, statuses: OutboxStatus[]): OutboxRow[] {
  const marks = statuses.map(() => '?').join(',');
  return db
    .prepare<OutboxStatus[], RawRow>(`SELECT * FROM outbox WHERE status IN (${marks}) ORDER BY id`)
    .all(...statuses)
    .map(fromRaw);
}

/** The latest `limit` rows of any status, oldest first (`ticketd outbox --all`). */
export function latestOutbox(db: Db, limit: number): OutboxRow[] {
  return db
    .prepare<[number], RawRow>(`SELECT * FROM (SELECT * FROM outbox ORDER BY id DESC LIMIT ?) ORDER BY id`)
    .all(limit)
    .map(fromRaw);
}

export interface OutboxEvent {
  ticketId: number | null;
  journalId: number | null;
  at: string;
  actor: string;
  via: Channel;
  kind: EventKind;
  data: Record<string, unknown>;
}

/** An event about a mail (held back, released); on the ticket when there is one. */
export const recordOutboxEvent = (db: Db, e: OutboxEvent): void =>
  void st(db).event.run({ ...e, data: JSON.stringify(e.data) });

/** A stored file that goes with an outgoing mail (a staff reply's attachment, a forwarded client's). */
export interface OutboxFile {
  filename: string;
  contentType: string;
  /** Relative to data_dir. */
  path: string;
}

/** The files of the message an outbox row carries, in the order they were attached. */
const filesQuery = new WeakMap<Db, Statement<[number, number], OutboxFile>>();
export function outboxFiles(db: Db, outboxId: number): OutboxFile[] {
  let q = filesQuery.get(db);
  if (!q)
    filesQuery.set(
      db,
      (q = db.prepare<[number, number], OutboxFile>(
        `SELECT a.filename, a.content_type AS contentType, a.path FROM attachments a
         WHERE a.path IS NOT NULL AND (a.message_id IN (SELECT id FROM messages WHERE outbox_id = ?)
           OR a.id IN (SELECT attachment_id FROM outbox_attachments WHERE outbox_id = ?))
         ORDER BY a.id`,
      )),
    );
  return q.all(outboxId, outboxId);
}

/** A stored file of a message on a ticket, as a mail about that message may carry it. */
export interface MessageFile {
  id: number;
  filename: string;
  size: number;
  /** Null when it was not stored (over limits.attachment_max_bytes). */
  path: string | null;
  note: string | null;
}

/** A statement prepared once per connection (these run with every client reply). */
function once<P extends unknown[], R>(sql: string): (db: Db) => Statement<P, R> {
  const made = new WeakMap<Db, Statement<P, R>>();
  return (db) => {
    let q = made.get(db);
    if (!q) made.set(db, (q = db.prepare<P, R>(sql)));
    return q;
  };
}

const filesOfMessage = once<[number], MessageFile>('SELECT id, filename, size, path, note FROM attachments WHERE message_id = ? ORDER BY id');
export const messageFiles = (db: Db, messageId: number): MessageFile[] => filesOfMessage(db).all(messageId);

const insertOutboxFile = once<[number, number], never>('INSERT INTO outbox_attachments (outbox_id, attachment_id) VALUES (?, ?)');
/** The row carries these stored files (a forward of a client's message). */
export function addOutboxFiles(db: Db, outboxId: number, attachmentIds: readonly number[]): void {
  for (const id of attachmentIds) insertOutboxFile(db).run(outboxId, id);
}

/**
 * Confirmations and forwards (not held) to one staff member about one ticket (null: none)
 * since `since`, counted up to `upTo` (rate_limits.staff_per_ticket).
 */
const countStaffMails = once<[string, number | null, string, number], { n: number }>(
  `SELECT COUNT(*) AS n FROM (SELECT 1 FROM outbox WHERE kind IN ('confirmation', 'forward') AND recipient_key = ? AND ticket_id IS ?
     AND created_at >= ? AND status != 'held' LIMIT ?)`,
);
export const staffMailsAbout = (db: Db, recipientKey: string, ticketId: number | null, since: string, upTo: number): number =>
  countStaffMails(db).get(recipientKey, ticketId, since, upTo)!.n;

/** Rows of this kind written to this recipient (normalised key) since then, in any status. */
export function sentSince(db: Db, kind: string, recipientKey: string, since: string): number {
  return (
    db.prepare<[string, string, string], { n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE kind = ? AND recipient_key = ? AND created_at >= ?').get(kind, recipientKey, since)?.n ?? 0
  );
}
