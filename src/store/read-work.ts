import type { Db } from './db.js';
import { NOT_CLOSED, ticketColumns, toTicketRow, type RawTicketRow, type TicketRow } from './read-tickets.js';

// "Search your name" (seeds/002): a person's working set, each list oldest first, the order
// tickets are worked in. Read only.

/** New and open tickets assigned to `staffId`. */
export function assignedTo(db: Db, staffId: string): TicketRow[] {
  return db
    .prepare<[string], RawTicketRow>(
      `SELECT ${ticketColumns} FROM tickets WHERE assignee = ? AND status IN ('new', 'open') ORDER BY created_at, id`,
    )
    .all(staffId)
    .map(toTicketRow);
}

/** To Be Checked tickets whose checker is `staffId`, or management when `management` is true. */
export function awaitingCheckBy(db: Db, staffId: string, management: boolean): TicketRow[] {
  return db
    .prepare<[string, number], RawTicketRow>(
      `SELECT ${ticketColumns} FROM tickets
       WHERE status = 'tbc' AND (checker = ? OR (? AND checker = 'management'))
       ORDER BY created_at, id`,
    )
    .all(staffId, management ? 1 : 0)
    .map(toTicketRow);
}

/** The triage queue: tickets nobody is assigned to, not closed. */
export function triageQueue(db: Db): TicketRow[] {
  return db
    .prepare<[], RawTicketRow>(
      `SELECT ${ticketColumns} FROM tickets WHERE assignee IS NULL AND ${NOT_CLOSED} ORDER BY created_at, id`,
    )
    .all()
    .map(toTicketRow);
}
