import type { Config } from '../config/schema.js';
import { assignedTo, awaitingCheckBy, triageQueue } from '../store/read-work.js';
import type { Db } from '../store/db.js';
import type { TicketRow } from '../store/read-tickets.js';
import type { Role } from '../tickets/status.js';
import { withReadDb } from './read-db.js';

export interface Today {
  staff: { id: string; role: Role };
  /** My new and open tickets, oldest first. */
  mine: TicketRow[];
  /** tbc tickets I check: mine as opener, or management's when I am a lead or manager. */
  toCheck: TicketRow[];
  /** Leads and managers: the unassigned queue; null for agents (not theirs to see to). */
  triage: TicketRow[] | null;
}

/** `ticketd today` on an open handle (the bench times this). */
export function todayIn(db: Db, staff: { id: string; role: Role }): Today {
  const management = staff.role === 'lead' || staff.role === 'manager';
  return {
    staff,
    mine: assignedTo(db, staff.id),
    toCheck: awaitingCheckBy(db, staff.id, management),
    triage: management ? triageQueue(db) : null,
  };
}

/** "Search your name": one staff member's day. */
export function today(config: Config, staff: { id: string; role: Role }): Today {
  return withReadDb(config, (db) => todayIn(db, staff));
}
