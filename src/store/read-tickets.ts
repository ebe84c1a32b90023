import type { Status } from '../tickets/status.js';
import type { Db } from './db.js';

// Read-side queries for tickets and what hangs off them (messages, attachments, events).
// The write side lives with the ingest code; these never modify anything.

export interface TicketRow {
  id: number;
  key: string;
  typeId: string;
  subject: string;
  status: Status;
  priority: string;
  assignee: string | null;
  openerKind: 'client' | 'staff';
  openerEmail: string;
  openerName: string | null;
  checker: string;
  clientEmail: string | null;
  organisation: string | null;
  clientWrote: boolean;
  threadMessageId: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface TicketFilter {
  /** A status, or 'all'; when absent every status except closed. */
  status?: Status | 'all';
  /** A staff id, or 'none' for the triage queue (no assignee). */
  assignee?: string;
  typeId?: string;
  /** Part of the client's address, case-insensitive (a whole address or a domain). */
  client?: string;
}

export interface MessageRow {
  id: number;
  direction: 'in' | 'out';
  authorKind: 'client' | 'staff' | 'system';
  authorEmail: string | null;
  messageId: string | null;
  subject: string | null;
  bodyText: string;
  visibleText: string;
  hasHtml: boolean;
  journalId: number | null;
  outboxId: number | null;
  createdAt: string;
  /** An incoming mail's own Date header (ISO), when it had a readable one. */
  sentAt: string | null;
}

export interface AttachmentRow {
  id: number;
  messageId: number;
  filename: string;
  contentType: string;
  size: number;
  sha256: string | null;
  path: string | null;
  note: string | null;
}

export interface EventRow {
  id: number;
  at: string;
  actor: string;
  via: 'email' | 'cli' | 'cron' | 'system';
  kind: string;
  data: unknown;
  journalId: number | null;
}

const ticketCols = `id, key, type_id AS typeId, subject, status, priority, assignee,
  opener_kind AS openerKind, opener_email AS openerEmail, opener_name AS openerName, checker,
  client_email AS clientEmail, organisation, client_wrote AS clientWrote,
  thread_message_id AS threadMessageId, created_at AS createdAt, updated_at AS updatedAt,
  closed_at AS closedAt`;

type RawTicket = Omit<TicketRow, 'clientWrote'> & { clientWrote: number };
const toTicket = (r: RawTicket): TicketRow => ({ ...r, clientWrote: r.clientWrote === 1 });

/** "Not closed", spelled out: `status <> 'closed'` cannot use an index on status. */
export const NOT_CLOSED = `status IN ('new', 'open', 'tbc')`;

// For the other read models of tickets (read-work, read-client): the same columns and shape.
export const ticketColumns = ticketCols;
export type RawTicketRow = RawTicket;
export const toTicketRow = toTicket;

/** Tickets matching the filter, oldest first (the order agents work them in). */
export function listTickets(db: Db, filter: TicketFilter = {}): TicketRow[] {
  const where: string[] = [];
  const params: Record<string, string> = {};
  // The statuses other than closed, spelled out: `<> 'closed'` cannot use tickets_status.
  if (!filter.status) where.push(NOT_CLOSED);
  else if (filter.status !== 'all') {
    where.push('status = @status');
    params.status = filter.status;
  }
  if (filter.assignee === 'none') where.push('assignee IS NULL');
  else if (filter.assignee) {
    where.push('assignee = @assignee');
    params.assignee = filter.assignee;
  }
  if (filter.typeId) {
    where.push('type_id = @typeId');
    params.typeId = filter.typeId;
  }
  if (filter.client) {
    where.push(`instr(lower(client_email), @client) > 0`);
    params.client = filter.client.toLowerCase();
  }
  const sql = `SELECT ${ticketCols} FROM tickets ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY created_at, id`;
  return db.prepare<[Record<string, string>], RawTicket>(sql).all(params).map(toTicket);
}

export function ticketByKey(db: Db, key: string): TicketRow | null {
  const row = db.prepare<[string], RawTicket>(`SELECT ${ticketCols} FROM tickets WHERE key = ?`).get(key.toUpperCase());
  return row ? toTicket(row) : null;
}

export function ticketMessages(db: Db, ticketId: number): MessageRow[] {
  type Raw = Omit<MessageRow, 'hasHtml'> & { hasHtml: number };
  return db
    .prepare<[number], Raw>(
      `SELECT id, direction, author_kind AS authorKind, author_email AS authorEmail,
         message_id AS messageId, subject, body_text AS bodyText, visible_text AS visibleText,
         body_html IS NOT NULL AS hasHtml, journal_id AS journalId, outbox_id AS outboxId,
         created_at AS createdAt, (SELECT sent_at FROM journal WHERE journal.id = messages.journal_id) AS sentAt
       FROM messages WHERE ticket_id = ? ORDER BY id`,
    )
    .all(ticketId)
    .map((r) => ({ ...r, hasHtml: r.hasHtml === 1 }));
}

export function ticketAttachments(db: Db, ticketId: number): AttachmentRow[] {
  return db
    .prepare<[number], AttachmentRow>(
      `SELECT a.id, a.message_id AS messageId, a.filename, a.content_type AS contentType, a.size,
         a.sha256, a.path, a.note
       FROM attachments a JOIN messages m ON m.id = a.message_id
       WHERE m.ticket_id = ? ORDER BY a.id`,
    )
    .all(ticketId);
}

export function ticketEvents(db: Db, ticketId: number): EventRow[] {
  type Raw = Omit<EventRow, 'data'> & { data: string };
  return db
    .prepare<[number], Raw>(
      `SELECT id, at, actor, via, kind, data, journal_id AS journalId
       FROM events WHERE ticket_id = ? ORDER BY id`,
    )
    .all(ticketId)
    .map((r) => ({ ...r, data: parseJson(r.data) }));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // an event written by hand or by an older version: show it as it is
  }
}
