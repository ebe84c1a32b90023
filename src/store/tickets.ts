import type { TicketSnapshot } from '../tickets/changes.js';
import type { Priority, Status } from '../tickets/status.js';
import type { Db } from './db.js';

// Writes to tickets and the mail on them (messages, attachments). Reads that other areas
// need for a change snapshot live here too, so the column names stay in one file.

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
    `SELECT id, key, type_id AS typeId, subject, status, assignee, checker, client_email AS clientEmail,
       CASE WHEN opener_kind = 'client' THEN opener_name END AS clientName,
       thread_message_id AS threadMessageId, created_at AS createdAt
     FROM tickets WHERE id = ?`,
  );
  const setStatus = db.prepare<[Status, string, string | null, number]>(
    `UPDATE tickets SET status = ?, updated_at = ?, closed_at = ? WHERE id = ?`,
  );
  const setClientWrote = db.prepare<[number, string, number]>(
    `UPDATE tickets SET client_wrote = ?, updated_at = ? WHERE id = ?`,
  );
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
    setStatus(id: number, status: Status, at: string): void {
      setStatus.run(status, at, status === 'closed' ? at : null, id);
    },
    setClientWrote(id: number, wrote: boolean, at: string): void {
      setClientWrote.run(wrote ? 1 : 0, at, id);
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
