import type { Config } from '../config/schema.js';
import { TicketdError } from '../errors.js';
import { isOwnAddress } from '../outbox/recipient.js';
import { nowIso, openDb, type Db } from '../store/db.js';
import { inTransaction } from '../store/transaction.js';
import { getOutbox, latestOutbox, listOutbox, outboxFiles, recordOutboxEvent, releaseOutbox, type OutboxRow } from '../store/outbox.js';
import { messageOf } from '../outbox/deliver.js';
import { sentHeaders } from '../outbox/sent-headers.js';
import { withReadDb } from './read-db.js';

// What `ticketd outbox` shows and does: mail not yet delivered, and putting failed or held
// mail back in the queue. A released mail is sent as it is: the limits that held it are
// checked when a mail is written, not again. Mail to our own support address stays held
// whatever the operator says: it would come straight back in.

export interface OutboxItem {
  id: number;
  status: OutboxRow['status'];
  kind: string;
  audience: OutboxRow['audience'];
  to: string;
  subject: string;
  ticketId: number | null;
  ticketKey: string | null;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  messageId: string;
}

/** Ticket id → key, each looked up once. */
function ticketKeys(db: Db): (id: number | null) => string | null {
  const q = db.prepare<[number], { key: string }>('SELECT key FROM tickets WHERE id = ?');
  const seen = new Map<number, string | null>();
  return (id) => {
    if (id === null) return null;
    if (!seen.has(id)) seen.set(id, q.get(id)?.key ?? null);
    return seen.get(id)!;
  };
}

/** Pending, sending (claimed by a deliverer), failed and held mail, oldest first; with `all`, the latest `all` mails of any status. */
export function listUndelivered(config: Config, all?: number): OutboxItem[] {
  return withReadDb(config, (db) => {
    const rows = all ? latestOutbox(db, all) : listOutbox(db, ['pending', 'sending', 'failed', 'held']);
    const keys = ticketKeys(db);
    return rows.map((r) => ({
      id: r.id,
      status: r.status,
      kind: r.kind,
      audience: r.audience,
      to: r.toAddr,
      subject: r.subject,
      ticketId: r.ticketId,
      ticketKey: keys(r.ticketId),
      attempts: r.attempts,
      nextAttemptAt: r.nextAttemptAt,
      lastError: r.lastError,
      createdAt: r.createdAt,
      messageId: r.messageId,
    }));
  });
}

/** One mail as it is (or will be) sent: `ticketd outbox show`. */
export interface SentMail {
  id: number;
  status: OutboxRow['status'];
  kind: string;
  ticketKey: string | null;
  attempts: number;
  createdAt: string;
  sentAt: string | null;
  lastError: string | null;
  /** Header lines as delivery writes them (messageOf), decoded. */
  headers: [string, string][];
  text: string;
  html: string | null;
  /** File names of the attachments it carries. */
  attachments: string[];
}

/** Any outbox row, sent or not, built by the same function delivery uses; unknown id: USAGE. */
export function showMail(config: Config, id: number): SentMail {
  return withReadDb(config, (db) => {
    const row = getOutbox(db, id);
    // Exit 2 like any other wrong argument: the id came from the user, not from a failure.
    if (!row) throw new TicketdError('USAGE', `no outbox mail #${id} (\`ticketd outbox\` lists undelivered mail; \`--all\` every mail)`);
    const files = outboxFiles(db, id);
    const ticketKey = ticketKeys(db)(row.ticketId);
    return {
      id,
      status: row.status,
      kind: row.kind,
      ticketKey,
      attempts: row.attempts,
      createdAt: row.createdAt,
      sentAt: row.sentAt,
      lastError: row.lastError,
      headers: sentHeaders(messageOf(config, row, files)),
      text: row.text,
      html: row.html,
      attachments: files.map((f) => f.filename),
    };
  });
}

/** Put one failed or held row back in the queue with its event; the caller checked it may go. */
function release(db: Db, row: OutboxRow, at: string, actor: string): boolean {
  if (!releaseOutbox(db, row.id, at)) return false;
  recordOutboxEvent(db, {
    ticketId: row.ticketId,
    journalId: row.journalId,
    at,
    actor,
    via: 'cli',
    kind: 'mail_retried',
    data: { outbox_id: row.id, mail: row.kind, to: row.toAddr, was: row.status, last_error: row.lastError },
  });
  return true;
}

function withWriteDb<T>(config: Config, fn: (db: Db) => T): T {
  const db = openDb(config.database);
  try {
    return inTransaction(db, () => fn(db));
  } finally {
    db.close();
  }
}

/**
 * Queue a failed or held mail again, due now with a fresh set of attempts; the running
 * daemon (or the next `run --once`) delivers it. Same Message-ID: still the same mail.
 */
export function retryMail(config: Config, id: number, actor = 'cli'): { id: number; to: string; subject: string } {
  return withWriteDb(config, (db) => {
    const row = getOutbox(db, id);
    if (!row) throw new TicketdError('NOT_FOUND', `no outbox mail #${id}`);
    if (isOwnAddress(config.support_address, row.toAddr))
      throw new TicketdError('USAGE', `outbox mail #${id} is addressed to our own support address (${row.toAddr}): it is never sent`);
    if (!release(db, row, nowIso(), actor))
      throw new TicketdError('USAGE', `outbox mail #${id} is ${row.status}: only failed or held mail can be retried`);
    return { id, to: row.toAddr, subject: row.subject };
  });
}

export interface BulkRetry {
  /** Mails queued again, by the status they had. */
  failed: number;
  held: number;
  /** Held mails to our own support address, left held. */
  keptOwn: number;
}

/** `outbox retry --failed` / `--held`: every such mail queued again, in one transaction. */
export function retryMails(config: Config, statuses: ('failed' | 'held')[], actor = 'cli'): BulkRetry {
  return withWriteDb(config, (db) => {
    const at = nowIso();
    const result: BulkRetry = { failed: 0, held: 0, keptOwn: 0 };
    for (const row of listOutbox(db, statuses)) {
      if (isOwnAddress(config.support_address, row.toAddr)) result.keptOwn++;
      else if (release(db, row, at, actor)) result[row.status as 'failed' | 'held']++;
    }
    return result;
  });
}
