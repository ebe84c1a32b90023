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
  messages: MessageRow[];
  attachments: AttachmentRow[];
  events: EventRow[];
}

/** One ticket with its messages, attachments and events; NOT_FOUND when there is none. */
export function showTicket(config: Config, key: string): TicketDetail {
  return withReadDb(config, (db) => {
    const ticket = ticketByKey(db, key);
    if (!ticket) throw new TicketdError('NOT_FOUND', `no ticket ${key}`);
    return {
      ticket,
      messages: ticketMessages(db, ticket.id),
      attachments: ticketAttachments(db, ticket.id),
      events: ticketEvents(db, ticket.id),
    };
  });
}
