import type { Db } from './db.js';
import type { JournalRow as StoredJournalRow } from './journal.js';

// Read-side queries for the journal (every fetched message and its outcome).

export const journalOutcomes = ['created', 'appended', 'command', 'ignored', 'failed', 'pending'] as const;
/** 'pending' = fetched and journaled, no outcome committed yet (or in hand right now). */
export type JournalOutcome = (typeof journalOutcomes)[number];

/** A journal row as people read it: the ticket's key, the trace parsed, pending spelt out. */
export interface JournalRow extends Omit<StoredJournalRow, 'outcome' | 'ticketId' | 'trace' | 'serverMarked'> {
  outcome: JournalOutcome;
  ticketKey: string | null;
  trace: unknown;
  serverMarked: boolean;
}

export interface JournalFilter {
  outcome?: JournalOutcome;
  limit: number;
}

/** The most recent journal rows first. */
export function recentJournal(db: Db, filter: JournalFilter): JournalRow[] {
  type Raw = Omit<JournalRow, 'serverMarked' | 'trace' | 'outcome'> & {
    serverMarked: number;
    trace: string | null;
    outcome: JournalOutcome | null;
  };
  const where =
    filter.outcome === 'pending' ? 'WHERE j.outcome IS NULL' : filter.outcome ? 'WHERE j.outcome = @outcome' : '';
  const params: Record<string, string | number> = { limit: filter.limit };
  if (filter.outcome && filter.outcome !== 'pending') params.outcome = filter.outcome;
  return db
    .prepare<[Record<string, string | number>], Raw>(
      `SELECT j.id, j.mailbox, j.uidvalidity, j.uid, j.message_id AS messageId, j.sha256,
         j.raw_path AS rawPath, j.size, j.subject, j.from_addr AS fromAddr, j.fetched_at AS fetchedAt,
         j.outcome, j.reason, t.key AS ticketKey, j.trace, j.processed_at AS processedAt,
         j.server_marked AS serverMarked, j.attempts
       FROM journal j LEFT JOIN tickets t ON t.id = j.ticket_id
       ${where} ORDER BY j.id DESC LIMIT @limit`,
    )
    .all(params)
    .map((r) => ({
      ...r,
      outcome: r.outcome ?? 'pending',
      serverMarked: r.serverMarked === 1,
      trace: r.trace ? safeJson(r.trace) : null,
    }));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
