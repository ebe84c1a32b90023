import type { Config } from '../config/schema.js';
import { TicketdError } from '../errors.js';
import { listTickets, type TicketFilter, type TicketRow } from '../store/read-tickets.js';
import { withReadDb } from './read-db.js';

export type { TicketFilter, TicketRow };

/**
 * A filter naming a staff id or a type the config does not have is a typo, not an empty
 * result: "no tickets" would read as "nothing to do".
 */
function checkFilter(config: Config, filter: TicketFilter): void {
  const { assignee, typeId } = filter;
  if (assignee !== undefined && assignee !== 'none' && !config.staff.some((s) => s.id === assignee))
    throw new TicketdError('USAGE', `--assignee: no staff id "${assignee}" (staff ids: ${config.staff.map((s) => s.id).join(', ')}; "none" is the triage queue)`);
  if (typeId !== undefined && !config.request_types.some((t) => t.id === typeId))
    throw new TicketdError('USAGE', `--type: no request type "${typeId}" (types: ${config.request_types.map((t) => t.id).join(', ')})`);
}

/** Tickets for `ticketd list`: open ones (status other than closed) unless asked, oldest first. */
export function findTickets(config: Config, filter: TicketFilter): TicketRow[] {
  checkFilter(config, filter);
  return withReadDb(config, (db) => listTickets(db, filter));
}
