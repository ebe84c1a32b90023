import type { Sender } from '../mail/sender.js';
import type { Db } from '../store/db.js';
import type { Priority, Status } from './status.js';

// What a committed change looks like to the parts that react to it inside the same
// transaction (the outbox writes the mails a change causes). Plain snapshots, no handles.
// Lives beside the ticket's vocabulary so the outbox reads it without importing the service.

export interface TicketSnapshot {
  id: number;
  key: string;
  typeId: string;
  subject: string;
  status: Status;
  priority: Priority;
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

/** A staff member as the mails name them. */
export interface StaffRef {
  id: string;
  name: string;
}

/**
 * `noAutoAnswer` (why): the pipeline found the sender must get no automatic answer (ack, status
 * answer, unknown-sender answer); the change is made, only that mail is not. Staff notices go.
 */
export type TicketChange =
  /** `quiet`: staff opened it and did not ask to tell the client (no acknowledgement). */
  | { kind: 'ticket-created'; ticket: TicketSnapshot; message: MessageSnapshot; noAutoAnswer?: string; quiet?: true }
  /** `thirdParty` (why): kept on the ticket from someone outside it; it changed nothing. */
  | { kind: 'message-appended'; ticket: TicketSnapshot; message: MessageSnapshot; reopened: boolean; thirdParty?: string }
  | { kind: 'status-changed'; ticket: TicketSnapshot; from: Status; to: Status; actor: string }
  /** A lead or manager (re)assigned it: the new assignee hears, with the reason when reassigned. */
  | { kind: 'assigned'; ticket: TicketSnapshot; from: string | null; to: string | null; by: StaffRef; reason: string | null }
  /** The checker sent tbc work back: the worker hears why. */
  | { kind: 'sent-back'; ticket: TicketSnapshot; worker: string; by: StaffRef; reason: string }
  /**
   * A staff member's answer to the client, written by a person (not an automatic reply).
   * `direct`: the client was a recipient of the staff member's own mail: recorded, not sent again.
   */
  | { kind: 'replied'; ticket: TicketSnapshot; message: MessageSnapshot; by: StaffRef; text: string; direct?: true }
  | { kind: 'status-requested'; sender: Sender; message: MessageSnapshot; noAutoAnswer?: string }
  | { kind: 'sender-refused'; sender: Sender; message: MessageSnapshot; reason: string; noAutoAnswer?: string }
  /** A staff member's mail to a signed reply address was handled: they get one confirmation. */
  | { kind: 'staff-mail-handled'; ticket: TicketSnapshot; by: StaffRef; message: MessageSnapshot; lines: CommandLineResult[]; relayed: boolean; text: string }
  /** Verified staff mail to the support address with `#client`/`#type` that opened nothing: the confirmation says why. */
  | { kind: 'staff-open-refused'; by: StaffRef; message: MessageSnapshot; lines: CommandLineResult[]; text: string }
  /** Mail to a signed reply address did not count: the staff member hears why (at most daily). */
  | { kind: 'reply-address-refused'; staffId: string; reason: string; ticketId: number | null; journalId: number | null };

/** One command line of a staff mail and what became of it. */
export interface CommandLineResult {
  line: string;
  applied: boolean;
  /** Why it was refused (the rule's sentence), or what it did. */
  sentence: string;
}

/**
 * Called inside the transaction that made the change, so what it writes (outbox rows,
 * events) commits or rolls back with it. Must not do I/O outside the database.
 */
export type ChangeHook = (db: Db, change: TicketChange) => void;
