import type { Db } from './db.js';

// Read-side queries for the journal (every fetched message and its outcome).

export const journalOutcomes = ['created', 'appended', 'command', 'ignored', 'failed', 'pending'] as const;
/** 'pending' = fetched and journaled, no outcome committed yet (or in hand right now). */
export type JournalOutcome = (typeof journalOutcomes)[number];

export interface JournalRow {
  id: number;
  mailbox: string;
  uidvalidity: number;
  uid: number;
  messageId: string | null;
  sha256: string;
  rawPath: string;
  size: number;
  subject: string | null;
  fromAddr: string | null;
  fetchedAt: string;
  outcome: JournalOutcome;
  reason: string | null;
  ticketKey: string | null;
  trace: unknown;
  processedAt: string | null;
  serverMarked: boolean;
  attempts: number;
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
