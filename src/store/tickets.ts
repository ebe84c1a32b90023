import type { TicketSnapshot } from '../tickets/changes.js';
import type { Priority, Status } from '../tickets/status.js';
import type { Db } from './db.js';

// Writes to tickets and the mail on them (messages, attachments). Reads that other areas
// need for a change snapshot live here too, so the column names stay in one file.

/** The fields the ticket service changes, all written together under the status compare-and-set. */
export interface TicketFields {
  status: Status;
  assignee: string | null;
  worker: string | null;
  typeId: string;
  priority: Priority;
  clientWrote: boolean;
}

/** The ticket as the service reads it before deciding a move. */
export interface TicketState extends TicketSnapshot, TicketFields {
  checker: string;
}

export interface NewTicket {
  typeId: string;
  prefix: string;
  numberStart: number;
  subject: string;
  priority: Priority;
  assignee: string | null;
  openerKind: 'client' | 'staff';
  openerEmail: string;
  openerName: string | null;
  checker: string;
  clientEmail: string | null;
  organisation: string | null;
  threadMessageId: string | null;
  at: string;
}

export interface NewMessage {
  ticketId: number;
  journalId: number | null;
  outboxId?: number | null;
  direction: 'in' | 'out';
  authorKind: 'client' | 'staff' | 'system';
  authorEmail: string | null;
  messageId: string | null;
  subject: string;
  bodyText: string;
  visibleText: string;
  bodyHtml: string | null;
  at: string;
}

export interface NewAttachment {
  messageId: number;
  filename: string;
  contentType: string;
  size: number;
  sha256: string | null;
  path: string | null;
  note: string | null;
}

export function ticketStore(db: Db) {
  // One global counter across prefixes (REF-1042, SEO-1043): the number alone is unique. It
  // only moves up (counters: never MAX(number) + 1, which repeats a number whose row is gone);
  // the first ticket gets ticket_number_start. Kept at least at MAX(number), so a row written
  // around it (an older version, a hand edit) cannot make it repeat one either.
  const nextNumber = db.prepare<[number], { n: number }>(
    `INSERT INTO counters (name, value)
       VALUES ('ticket_number', COALESCE((SELECT MAX(number) + 1 FROM tickets), ?))
     ON CONFLICT(name) DO UPDATE SET value = MAX(value, (SELECT COALESCE(MAX(number), 0) FROM tickets)) + 1
     RETURNING value AS n`,
  );
  const insertTicket = db.prepare(
    `INSERT INTO tickets (key, number, type_id, subject, status, priority, assignee, opener_kind,
       opener_email, opener_name, checker, client_email, organisation, thread_message_id, created_at, updated_at)
     VALUES (@key, @number, @typeId, @subject, 'new', @priority, @assignee, @openerKind,
       @openerEmail, @openerName, @checker, @clientEmail, @organisation, @threadMessageId, @at, @at)`,
  );
  const snapshot = db.prepare<[number], TicketSnapshot>(
    `SELECT id, key, type_id AS typeId, subject, status, priority, assignee, checker, client_email AS clientEmail,
       CASE WHEN opener_kind = 'client' THEN opener_name END AS clientName,
       thread_message_id AS threadMessageId, created_at AS createdAt
     FROM tickets WHERE id = ?`,
  );
  const state = db.prepare<[number], Omit<TicketState, 'clientWrote'> & { clientWrote: number }>(
    `SELECT id, key, type_id AS typeId, subject, status, priority, assignee, checker, worker, client_wrote AS clientWrote,
       client_email AS clientEmail, CASE WHEN opener_kind = 'client' THEN opener_name END AS clientName,
       thread_message_id AS threadMessageId, created_at AS createdAt
     FROM tickets WHERE id = ?`,
  );
  const idByKey = db.prepare<[string], { id: number }>(`SELECT id FROM tickets WHERE key = ?`);
  // Compare-and-set on the status the caller read: 0 rows changed means someone else moved
  // the ticket meanwhile, and the caller refuses rather than overwrite their change.
  const write = db.prepare(
    `UPDATE tickets SET status = @status, assignee = @assignee, worker = @worker, type_id = @typeId,
       priority = @priority, client_wrote = @clientWrote, updated_at = @at,
       closed_at = CASE WHEN @status = 'closed' THEN COALESCE(CASE WHEN status = 'closed' THEN closed_at END, @at) END
     WHERE id = @id AND status = @expect`,
  );
  const insertRework = db.prepare(
    `INSERT INTO rework (ticket_id, type_id, worker, checker, sent_back_at, reason)
     VALUES (@ticketId, @typeId, @worker, @checker, @at, @reason)`,
  );
  const reworkDone = db.prepare<[string, number]>(`UPDATE rework SET back_to_tbc_at = ? WHERE ticket_id = ? AND back_to_tbc_at IS NULL`);
  const insertMessage = db.prepare(
    `INSERT INTO messages (ticket_id, journal_id, outbox_id, direction, author_kind, author_email, message_id,
       subject, body_text, visible_text, body_html, created_at)
     VALUES (@ticketId, @journalId, @outboxId, @direction, @authorKind, @authorEmail, @messageId,
       @subject, @bodyText, @visibleText, @bodyHtml, @at)`,
  );
  const insertAttachment = db.prepare(
    `INSERT INTO attachments (message_id, filename, content_type, size, sha256, path, note)
     VALUES (@messageId, @filename, @contentType, @size, @sha256, @path, @note)`,
  );

  return {
    /** Insert a ticket with the next number; call inside the transaction that needs it. */
    create(t: NewTicket): { id: number; key: string } {
      const number = nextNumber.get(t.numberStart)!.n;
      const key = `${t.prefix}-${number}`;
      const { prefix: _p, numberStart: _s, ...cols } = t;
      const id = Number(insertTicket.run({ ...cols, key, number }).lastInsertRowid);
      return { id, key };
    },
    snapshot(id: number): TicketSnapshot {
      const s = snapshot.get(id);
      if (!s) throw new Error(`ticket ${id} not found`);
      return s;
    },
    /** Everything the ticket service reads before it decides; null when there is no such ticket. */
    state(id: number): TicketState | null {
      const r = state.get(id);
      return r ? { ...r, clientWrote: r.clientWrote === 1 } : null;
    },
    idByKey: (key: string): number | null => idByKey.get(key.trim().toUpperCase())?.id ?? null,
    /** Write the ticket's changeable fields if its status is still `expect`; false when it was not. */
    write(id: number, expect: Status, next: TicketFields, at: string): boolean {
      return write.run({ id, expect, ...next, clientWrote: next.clientWrote ? 1 : 0, at }).changes === 1;
    },
    addRework(r: { ticketId: number; typeId: string; worker: string; checker: string; reason: string; at: string }): number {
      return Number(insertRework.run(r).lastInsertRowid);
    },
    /** The worker marked it done again: the open rework entries of the ticket came back to tbc. */
    reworkBackToTbc(ticketId: number, at: string): void {
      reworkDone.run(at, ticketId);
    },
    addMessage(m: NewMessage): number {
      return Number(insertMessage.run({ outboxId: null, ...m }).lastInsertRowid);
    },
    addAttachment(a: NewAttachment): number {
      return Number(insertAttachment.run(a).lastInsertRowid);
    },
  };
}

export type TicketStore = ReturnType<typeof ticketStore>;

/** The first message's new text: what the client asked (the assignment notice quotes it). */
export const firstMessageText = (db: Db, ticketId: number): string =>
  (db.prepare<[number], { t: string }>(`SELECT visible_text AS t FROM messages WHERE ticket_id = ? ORDER BY id LIMIT 1`).get(ticketId)?.t ?? '');

/** A message we send: the outbox row that carries it and its Message-ID (so answers thread). */
export const linkMessageToOutbox = (db: Db, messageId: number, outboxId: number, mailMessageId: string): void =>
  void db.prepare(`UPDATE messages SET outbox_id = ?, message_id = ? WHERE id = ?`).run(outboxId, mailMessageId, messageId);
