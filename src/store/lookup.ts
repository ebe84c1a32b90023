import type { LookupPort, TicketRef } from '../router/types.js';
import type { Db } from './db.js';

// The read-only port the pipeline stages see, backed by the store.

const ticketCols = `t.id, t.key, t.status, t.subject, t.client_email AS clientEmail`;

export function createLookup(db: Db): LookupPort {
  const byKey = db.prepare<[string], TicketRef>(`SELECT ${ticketCols} FROM tickets t WHERE t.key = ?`);
  const byId = db.prepare<[number], TicketRef>(`SELECT ${ticketCols} FROM tickets t WHERE t.id = ?`);
  const byMessageId = db.prepare<[string], TicketRef>(
    `SELECT ${ticketCols} FROM messages m JOIN tickets t ON t.id = m.ticket_id
     WHERE m.message_id = ? ORDER BY m.id DESC LIMIT 1`,
  );
  const byThreadId = db.prepare<[string], TicketRef>(
    `SELECT ${ticketCols} FROM tickets t WHERE t.thread_message_id = ? LIMIT 1`,
  );
  // Our own mails (acknowledgements, notices) are only in the outbox: a client who answers the
  // acknowledgement from a client that drops the [KEY] tag refers to nothing else of ours.
  const byOutboxId = db.prepare<[string], TicketRef>(
    `SELECT ${ticketCols} FROM outbox o JOIN tickets t ON t.id = o.ticket_id WHERE o.message_id = ?`,
  );
  const ownId = db.prepare<[string], { one: number }>(`SELECT 1 AS one FROM outbox WHERE message_id = ?`);
  const knownClient = db.prepare<[string, string], { one: number }>(
    `SELECT 1 AS one FROM clients WHERE email = ? UNION ALL
     SELECT 1 FROM tickets WHERE client_email = ? LIMIT 1`,
  );
  const exposed = db.prepare<[number, string, string], { one: number }>(
    `SELECT 1 AS one FROM events WHERE ticket_id = ? AND kind = 'reply_address_exposed' AND actor = ? AND at >= ? LIMIT 1`,
  );
  return {
    ticketByKey: (key) => byKey.get(key.toUpperCase()) ?? null,
    ticketById: (id) => byId.get(id) ?? null,
    ticketByMessageIds(ids) {
      // Newest reference first: References lists the thread oldest to newest.
      for (const id of [...ids].reverse()) {
        const t = byMessageId.get(id) ?? byThreadId.get(id) ?? byOutboxId.get(id);
        if (t) return t;
      }
      return null;
    },
    isOwnMessageId: (id) => ownId.get(id) !== undefined,
    isKnownClient: (email) => knownClient.get(email.toLowerCase(), email.toLowerCase()) !== undefined,
    replyAddressExposed: (ticketId, staffId, since) => exposed.get(ticketId, staffId, since.toISOString()) !== undefined,
  };
}
