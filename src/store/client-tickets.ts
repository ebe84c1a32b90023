import type { Status } from '../tickets/status.js';
import type { Db } from './db.js';

// A client's open tickets, for the "status" answer.

export interface ClientTicket {
  key: string;
  subject: string;
  /** Never closed: only open tickets are listed. */
  status: Exclude<Status, 'closed'>;
  createdAt: string;
}

const cache = new WeakMap<Db, ReturnType<typeof prepare>>();

function prepare(db: Db) {
  return {
    open: db.prepare<[string], ClientTicket>(
      `SELECT key, subject, status, created_at AS createdAt FROM tickets
       WHERE client_email = ? AND status != 'closed' ORDER BY created_at, id`,
    ),
    details: db.prepare<[number], { organisation: string | null; priority: string }>(
      `SELECT organisation, priority FROM tickets WHERE id = ?`,
    ),
  };
}

const st = (db: Db) => {
  let s = cache.get(db);
  if (!s) cache.set(db, (s = prepare(db)));
  return s;
};

export const openTicketsOf = (db: Db, email: string): ClientTicket[] => st(db).open.all(email.toLowerCase());

/** What the assignment notice shows beyond the change snapshot. */
export const ticketDetails = (db: Db, id: number): { organisation: string | null; priority: string } | undefined =>
  st(db).details.get(id);
