import type { LookupPort, TicketRef } from '../../src/router/types.js';

// An in-memory LookupPort for pipeline tests: tickets with the Message-IDs stored for them,
// the Message-IDs we "sent", and the clients we "know".

export interface FakeTicket extends TicketRef {
  messageIds?: string[];
}

export function fakeLookup(opts: { tickets?: FakeTicket[]; ownMessageIds?: string[]; knownClients?: string[] } = {}): LookupPort {
  const tickets = opts.tickets ?? [];
  const strip = ({ messageIds: _ids, ...t }: FakeTicket): TicketRef => t;
  return {
    ticketByKey: (key) => {
      const t = tickets.find((x) => x.key === key.toUpperCase());
      return t ? strip(t) : null;
    },
    ticketByMessageIds: (ids) => {
      // Same order as the store: the last id (the direct parent) first.
      for (const id of [...ids].reverse()) {
        const t = tickets.find((x) => x.messageIds?.includes(id));
        if (t) return strip(t);
      }
      return null;
    },
    isOwnMessageId: (id) => (opts.ownMessageIds ?? []).includes(id),
    isKnownClient: (email) => (opts.knownClients ?? []).includes(email.toLowerCase()),
  };
}
