import type { Config } from '../config/schema.js';
import { listTickets, type TicketFilter, type TicketRow } from '../store/read-tickets.js';
import { withReadDb } from './read-db.js';

export type { TicketFilter, TicketRow };

/** Tickets for `ticketd list`: open ones (status other than closed) unless asked, oldest first. */
export function findTickets(config: Config, filter: TicketFilter): TicketRow[] {
  return withReadDb(config, (db) => listTickets(db, filter));
}
