import type { Config } from '../config/schema.js';
import { TicketdError } from '../errors.js';
import { nowIso, openDb } from '../store/db.js';
import { getOutbox, listOutbox, recordOutboxEvent, releaseOutbox, type OutboxRow } from '../store/outbox.js';
import { withReadDb } from './read-db.js';

// What `ticketd outbox` shows and does: mail not yet delivered, and putting a failed or
// held mail back in the queue.

export interface OutboxItem {
  id: number;
  status: OutboxRow['status'];
  kind: string;
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

/**
 * Queue a failed or held mail again, due now with a fresh set of attempts; the running
 * daemon (or the next `run --once`) delivers it. Same Message-ID: still the same mail.
 */
export function retryMail(config: Config, id: number, actor = 'cli'): { id: number; to: string; subject: string } {
  const db = openDb(config.database);
  try {
    return db.transaction(() => {
      const row = getOutbox(db, id);
      if (!row) throw new TicketdError('NOT_FOUND', `no outbox mail #${id}`);
      const at = nowIso();
      if (!releaseOutbox(db, id, at))
        throw new TicketdError('USAGE', `outbox mail #${id} is ${row.status}: only failed or held mail can be retried`);
      recordOutboxEvent(db, {
        ticketId: row.ticketId,
        journalId: row.journalId,
        at,
        actor,
        via: 'cli',
        kind: 'mail_retried',
        data: { outbox_id: id, mail: row.kind, to: row.toAddr, was: row.status, last_error: row.lastError },
      });
      return { id, to: row.toAddr, subject: row.subject };
    })();
  } finally {
    db.close();
  }
}
