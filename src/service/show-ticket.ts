import type { Config } from '../config/schema.js';
import { TicketdError } from '../errors.js';
import {
  ticketAttachments,
  ticketByKey,
  ticketEvents,
  ticketMessages,
  type AttachmentRow,
  type EventRow,
  type MessageRow,
  type TicketRow,
} from '../store/read-tickets.js';
import { withReadDb } from './read-db.js';

export interface TicketDetail {
  ticket: TicketRow;
  /** thirdParty: a mail from someone outside the ticket, kept without effect (its event says why). */
  messages: (MessageRow & { thirdParty: boolean })[];
  attachments: AttachmentRow[];
  events: EventRow[];
}

/** One ticket with its messages, attachments and events; NOT_FOUND when there is none. */
export function showTicket(config: Config, key: string): TicketDetail {
  return withReadDb(config, (db) => {
    const ticket = ticketByKey(db, key);
    if (!ticket) throw new TicketdError('NOT_FOUND', `no ticket ${key}`);
    const events = ticketEvents(db, ticket.id);
    const thirdParty = new Set(events.filter((e) => e.kind === 'third_party_wrote').map((e) => messageIdOf(e.data)));
    return {
      ticket,
      messages: ticketMessages(db, ticket.id).map((m) => ({ ...m, thirdParty: thirdParty.has(m.id) })),
      attachments: ticketAttachments(db, ticket.id),
      events,
    };
  });
}

function messageIdOf(data: unknown): number | null {
  const id = data && typeof data === 'object' ? (data as { messageId?: unknown }).messageId : null;
  return typeof id === 'number' ? id : null;
}
