import type { Db } from '../store/db.js';
import type { Sender } from '../router/types.js';

// What a committed change looks like to the parts that react to it inside the same
// transaction (the outbox writes the mails a change causes). Plain snapshots, no handles.

export interface TicketSnapshot {
  id: number;
  key: string;
  typeId: string;
  subject: string;
  status: 'new' | 'open' | 'tbc' | 'closed';
  assignee: string | null;
  checker: string;
  clientEmail: string | null;
  clientName: string | null;
  /** The Message-ID our later mails on this ticket reply to (the client's first mail). */
  threadMessageId: string | null;
  createdAt: string;
}

export interface MessageSnapshot {
  id: number;
  journalId: number | null;
  messageId: string | null;
  /** The incoming mail's own References (for threading a direct reply to it). */
  references: string[];
  subject: string;
  authorKind: 'client' | 'staff' | 'system';
  authorEmail: string | null;
  authorName: string | null;
  visibleText: string;
}

/**
 * `noAutoAnswer` (why): the pipeline found the sender must get no automatic answer (ack, status
 * answer, unknown-sender answer); the change is made, only that mail is not. Staff notices go.
 */
export type TicketChange =
  | { kind: 'ticket-created'; ticket: TicketSnapshot; message: MessageSnapshot; noAutoAnswer?: string }
  /** `thirdParty` (why): kept on the ticket from someone outside it; it changed nothing. */
  | { kind: 'message-appended'; ticket: TicketSnapshot; message: MessageSnapshot; reopened: boolean; thirdParty?: string }
  | { kind: 'status-changed'; ticket: TicketSnapshot; from: TicketSnapshot['status']; to: TicketSnapshot['status']; actor: string }
  | { kind: 'status-requested'; sender: Sender; message: MessageSnapshot; noAutoAnswer?: string }
  | { kind: 'sender-refused'; sender: Sender; message: MessageSnapshot; reason: string; noAutoAnswer?: string };

/**
 * Called inside the transaction that made the change, so what it writes (outbox rows,
 * events) commits or rolls back with it. Must not do I/O outside the database.
 */
export type ChangeHook = (db: Db, change: TicketChange) => void;
