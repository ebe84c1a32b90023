import type { EventKind } from '../tickets/events.js';
import type { Channel } from '../tickets/status.js';
import { nowIso, type Db } from './db.js';

// Every change as a row (who, what, when, via), so any report can be rebuilt from events.

/** Where the change came from (the event's `via` column). */
export type Via = Channel;

export interface NewEvent {
  ticketId: number | null;
  journalId?: number | null;
  actor: string;
  via: Via;
  kind: EventKind;
  data?: Record<string, unknown>;
  at?: string;
}

export interface EventRow {
  id: number;
  ticketId: number | null;
  journalId: number | null;
  at: string;
  actor: string;
  via: Via;
  kind: string;
  data: string;
}

export function eventStore(db: Db) {
  const insert = db.prepare<[number | null, number | null, string, string, string, string, string]>(
    `INSERT INTO events (ticket_id, journal_id, at, actor, via, kind, data) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const forTicket = db.prepare<[number], EventRow>(
    `SELECT id, ticket_id AS ticketId, journal_id AS journalId, at, actor, via, kind, data
     FROM events WHERE ticket_id = ? ORDER BY id`,
  );
  return {
    add(e: NewEvent): number {
      return Number(
        insert.run(e.ticketId, e.journalId ?? null, e.at ?? nowIso(), e.actor, e.via, e.kind, JSON.stringify(e.data ?? {}))
          .lastInsertRowid,
      );
    },
    forTicket: (ticketId: number) => forTicket.all(ticketId),
  };
}

export type EventStore = ReturnType<typeof eventStore>;
