import type { Db } from './db.js';
import { NOT_CLOSED, ticketColumns, toTicketRow, type RawTicketRow, type TicketRow } from './read-tickets.js';

// The account view for an inbound call (seeds/002: "note and address all open tickets when
// speaking to a client"): a client's tickets by address, domain or organisation. Read only.

/** Who the view is about: one address, one mail domain, or a configured organisation. */
export type ClientScope =
  | { kind: 'address'; address: string }
  | { kind: 'domain'; domain: string }
  | { kind: 'organisation'; name: string; domains: string[] };

// The domain of a stored (lowercase) client address; the same expression as the
// tickets_client_domain index, so SQLite can use it.
const DOMAIN_OF = (col: string) => `substr(${col}, instr(${col}, '@') + 1)`;

/**
 * The scope as SQL over an address column (and the organisation column, for tickets), with
 * `also` (a status condition) inside each branch of an OR: SQLite then searches each
 * (organisation, status) and (domain, status) index instead of every closed ticket.
 */
function where(scope: ClientScope, col: string, orgCol: string | null, also = '1'): { sql: string; params: string[] } {
  switch (scope.kind) {
    case 'address':
      return { sql: `${col} = ? AND ${also}`, params: [scope.address] };
    case 'domain':
      return { sql: `${DOMAIN_OF(col)} = ? AND ${also}`, params: [scope.domain] };
    case 'organisation': {
      const inDomains = scope.domains.length ? `${DOMAIN_OF(col)} IN (${scope.domains.map(() => '?').join(', ')})` : '0';
      return orgCol
        ? { sql: `((${orgCol} = ? AND ${also}) OR (${inDomains} AND ${also}))`, params: [scope.name, ...scope.domains] }
        : { sql: `${inDomains} AND ${also}`, params: scope.domains };
    }
  }
}

/** Open tickets (any status but closed) of the scope, oldest first. */
export function openTicketsOf(db: Db, scope: ClientScope): TicketRow[] {
  const w = where(scope, 'client_email', 'organisation', NOT_CLOSED);
  return db
    .prepare<string[], RawTicketRow>(`SELECT ${ticketColumns} FROM tickets WHERE ${w.sql} ORDER BY created_at, id`)
    .all(...w.params)
    .map(toTicketRow);
}

/** The latest closed tickets of the scope, most recently closed first. */
export function closedTicketsOf(db: Db, scope: ClientScope, limit: number): TicketRow[] {
  // `+status`: not by tickets_status (every closed ticket), which SQLite picks otherwise.
  const w = where(scope, 'client_email', 'organisation', `+status = 'closed'`);
  return db
    .prepare<(string | number)[], RawTicketRow>(
      // The ids first, from the indexes alone; then only those rows (an organisation may have
      // thousands of closed tickets: fetching each to sort it took 30 ms of the bench's 100).
      `SELECT ${ticketColumns} FROM tickets WHERE id IN (
         SELECT id FROM tickets WHERE ${w.sql} ORDER BY closed_at DESC, id DESC LIMIT ?)
       ORDER BY closed_at DESC, id DESC`,
    )
    .all(...w.params, limit)
    .map(toTicketRow);
}

export interface LastMessageRow {
  direction: 'in' | 'out';
  authorKind: 'client' | 'staff' | 'system';
  authorEmail: string | null;
  visibleText: string;
  createdAt: string;
}

/** The newest message on a ticket, in or out. */
export function lastMessageOf(db: Db, ticketId: number): LastMessageRow | null {
  return (
    db
      .prepare<[number], LastMessageRow>(
        `SELECT direction, author_kind AS authorKind, author_email AS authorEmail, visible_text AS visibleText,
           created_at AS createdAt
         FROM messages WHERE ticket_id = ? ORDER BY id DESC LIMIT 1`,
      )
      .get(ticketId) ?? null
  );
}

export interface ContactRow {
  email: string;
  name: string | null;
  organisation: string | null;
  firstSeen: string;
  /** Their latest mail on one of their tickets; null when none is stored. */
  lastSeen: string | null;
}

/** Known clients of the scope (the clients table), by address. */
export function contactsOf(db: Db, scope: ClientScope): ContactRow[] {
  const w = where(scope, 'c.email', 'c.organisation');
  return db
    .prepare<string[], ContactRow>(
      `SELECT c.email, c.name, c.organisation, c.first_seen AS firstSeen,
         (SELECT MAX(m.created_at) FROM tickets t JOIN messages m ON m.ticket_id = t.id
           WHERE t.client_email = c.email AND m.direction = 'in' AND m.author_email = c.email) AS lastSeen
       FROM clients c WHERE ${w.sql} ORDER BY c.email`,
    )
    .all(...w.params);
}
