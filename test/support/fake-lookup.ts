import type { LookupPort, TicketRef } from '../../src/router/types.js';

// An in-memory LookupPort for pipeline tests, shaped like the store behind createLookup:
// a ticket has the Message-IDs of the mail stored on it (`messageIds`: the client's mails, the
// thread id) and of the mail we sent on it (`sentMessageIds`: outbox rows, e.g. the
// acknowledgement). `ownMessageIds` are outbox rows on no ticket (status answers, refusals).
// Both kinds we sent count as our own. test/store/lookup.test.ts runs the same table against
// this and the real createLookup, so the two cannot drift.

export interface FakeTicket extends TicketRef {
  messageIds?: string[];
  sentMessageIds?: string[];
}

export function fakeLookup(
  opts: { tickets?: FakeTicket[]; ownMessageIds?: string[]; knownClients?: string[]; exposed?: { ticketId: number; staffId: string; at: Date }[] } = {},
): LookupPort {
  const tickets = opts.tickets ?? [];
  const strip = ({ messageIds: _ids, sentMessageIds: _sent, ...t }: FakeTicket): TicketRef => t;
  const own = new Set([...(opts.ownMessageIds ?? []), ...tickets.flatMap((t) => t.sentMessageIds ?? [])]);
  return {
    ticketByKey: (key) => {
      const t = tickets.find((x) => x.key === key.toUpperCase());
      return t ? strip(t) : null;
    },
    ticketById: (id) => {
      const t = tickets.find((x) => x.id === id);
      return t ? strip(t) : null;
    },
    ticketByMessageIds: (ids) => {
      // Same order as the store: the last id (the direct parent) first.
      for (const id of [...ids].reverse()) {
        const t = tickets.find((x) => x.messageIds?.includes(id) || x.sentMessageIds?.includes(id));
        if (t) return strip(t);
      }
      return null;
    },
    isOwnMessageId: (id) => own.has(id),
    isKnownClient: (email) => (opts.knownClients ?? []).includes(email.toLowerCase()),
    replyAddressExposed: (ticketId, staffId, since) => (opts.exposed ?? []).some((e) => e.ticketId === ticketId && e.staffId === staffId && e.at >= since),
  };
}
