import type { Db } from './db.js';

// A client's open tickets, for the "status" answer.

export interface ClientTicket {
  key: string;
  subject: string;
  status: 'new' | 'open' | 'tbc';
  createdAt: string;
}

export const openTicketsOf = (db: Db, email: string): ClientTicket[] =>
  db
    .prepare<[string], ClientTicket>(
      `SELECT key, subject, status, created_at AS createdAt FROM tickets
       WHERE client_email = ? AND status != 'closed' ORDER BY created_at, id`,
    )
    .all(email.toLowerCase());

/** What the assignment notice shows beyond the change snapshot. */
export const ticketDetails = (db: Db, id: number): { organisation: string | null; priority: string } | undefined =>
  db
    .prepare<[number], { organisation: string | null; priority: string }>(`SELECT organisation, priority FROM tickets WHERE id = ?`)
    .get(id);
