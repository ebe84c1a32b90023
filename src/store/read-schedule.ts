import type { Db } from './db.js';
import { ticketColumns, toTicketRow, type RawTicketRow, type TicketRow } from './read-tickets.js';

// What the scheduler's mails list beyond a person's working set (read-work.ts): every tbc
// ticket with who did the work and since when it waits. Read only.

export interface TbcTicket extends TicketRow {
  worker: string | null;
  /** When it last went to tbc (its status_changed event), else its last update. */
  tbcSince: string;
}

/** Every ticket in tbc, oldest first (the order they are checked in). */
export function tbcTickets(db: Db): TbcTicket[] {
  return db
    .prepare<[], RawTicketRow & { worker: string | null; tbcSince: string }>(
      `SELECT ${ticketColumns}, worker,
         COALESCE((SELECT MAX(e.at) FROM events e
                   WHERE e.ticket_id = tickets.id AND e.kind = 'status_changed' AND json_extract(e.data, '$.to') = 'tbc'),
                  updated_at) AS tbcSince
       FROM tickets WHERE status = 'tbc' ORDER BY created_at, id`,
    )
    .all()
    .map((r) => ({ ...toTicketRow(r), worker: r.worker, tbcSince: r.tbcSince }));
}
