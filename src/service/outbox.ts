import type { Config } from '../config/schema.js';
import { TicketdError } from '../errors.js';
import { isOwnAddress } from '../outbox/recipient.js';
import { nowIso, openDb, type Db } from '../store/db.js';
import { inTransaction } from '../store/transaction.js';
import { getOutbox, listOutbox, recordOutboxEvent, releaseOutbox, type OutboxRow } from '../store/outbox.js';
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

/** Pending, sending (claimed by a deliverer), failed and held mail, oldest first. */
export function listUndelivered(config: Config): OutboxItem[] {
  return withReadDb(config, (db) => {
    const keys = new Map(
      (db.prepare(`SELECT id, key FROM tickets WHERE id IN (SELECT ticket_id FROM outbox WHERE status != 'sent')`).all() as {
        id: number;
        key: string;
      }[]).map((t) => [t.id, t.key]),
    );
    return listOutbox(db, ['pending', 'sending', 'failed', 'held']).map((r) => ({
      id: r.id,
      status: r.status,
      kind: r.kind,
      audience: r.audience,
      to: r.toAddr,
      subject: r.subject,
      ticketId: r.ticketId,
      ticketKey: r.ticketId ? (keys.get(r.ticketId) ?? null) : null,
      attempts: r.attempts,
      nextAttemptAt: r.nextAttemptAt,
      lastError: r.lastError,
      createdAt: r.createdAt,
      messageId: r.messageId,
    }));
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
