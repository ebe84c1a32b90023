import { nowIso, type Db } from './db.js';

// Every fetched message, written before it is parsed; the outcome is filled in by the
// transaction that applies it. One row per (mailbox, UIDVALIDITY, UID).
//
// `attempts` counts the times processing of the row started, committed before it starts, so
// a message that takes the process down is not retried forever: a row journaled for the first
// time counts one attempt in the batch's journal commit; a row found undecided with attempts
// already counted was in flight when a process died (a suspect), and each further try of it
// is counted alone (attempt()), just before it. A pass that stops without deciding a row it
// counted gives the attempt back (giveBack()): only a process that died keeps it.

export type Outcome = 'created' | 'appended' | 'command' | 'ignored' | 'failed';

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
  outcome: Outcome | null;
  reason: string | null;
  ticketId: number | null;
  trace: string | null;
  processedAt: string | null;
  serverMarked: number;
  attempts: number;
}

export interface FetchedMessage {
  mailbox: string;
  uidvalidity: number;
  uid: number;
  messageId: string | null;
  sha256: string;
  rawPath: string;
  size: number;
}

export interface OutcomeRecord {
  outcome: Outcome;
  reason?: string | null;
  ticketId?: number | null;
  trace?: unknown;
  subject?: string | null;
  fromAddr?: string | null;
  /** The mail's own Date header (ISO). */
  sentAt?: string | null;
}

const cols = `id, mailbox, uidvalidity, uid, message_id AS messageId, sha256, raw_path AS rawPath, size,
  subject, from_addr AS fromAddr, fetched_at AS fetchedAt, outcome, reason, ticket_id AS ticketId,
  trace, processed_at AS processedAt, server_marked AS serverMarked, attempts`;

export function journalStore(db: Db) {
  // A new row counts its first attempt; an undecided row whose attempt was given back (a pass
  // that stopped) counts it again; a suspect (attempts left by a dead process) is untouched.
  const insert = db.prepare<[string, number, number, string | null, string, string, number, string]>(
    `INSERT INTO journal (mailbox, uidvalidity, uid, message_id, sha256, raw_path, size, fetched_at, attempts)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)
     ON CONFLICT(mailbox, uidvalidity, uid) DO UPDATE SET attempts = 1 WHERE outcome IS NULL AND attempts = 0`,
  );
  const byUid = db.prepare<[string, number, number], JournalRow>(
    `SELECT ${cols} FROM journal WHERE mailbox = ? AND uidvalidity = ? AND uid = ?`,
  );
  const byId = db.prepare<[number], JournalRow>(`SELECT ${cols} FROM journal WHERE id = ?`);
  const setOutcome = db.prepare<
    [string, string | null, number | null, string | null, string | null, string | null, string | null, string, number]
  >(
    `UPDATE journal SET outcome = ?, reason = ?, ticket_id = ?, trace = ?,
       subject = COALESCE(?, subject), from_addr = COALESCE(?, from_addr), sent_at = COALESCE(?, sent_at),
       processed_at = ?
     WHERE id = ?`,
  );
  const attempt = db.prepare<[number]>(`UPDATE journal SET attempts = attempts + 1 WHERE id = ?`);
  const giveBack = db.prepare<[number]>(`UPDATE journal SET attempts = attempts - 1 WHERE id = ? AND outcome IS NULL AND attempts > 0`);
  const giveBackAll = db.transaction((ids: number[]) => {
    for (const id of ids) giveBack.run(id);
  });
  // Same bytes, or the same Message-ID from the same sender: the same mail seen again
  // (a re-created folder, a second copy). Only rows already decided count, so a copy whose
  // first sighting never got an outcome is still processed.
  const duplicate = db.prepare<[number, string, string | null, string | null], { id: number }>(
    `SELECT id FROM journal
     WHERE id < ? AND outcome IS NOT NULL
       AND (sha256 = ? OR (message_id = ? AND from_addr IS ?))
     ORDER BY id LIMIT 1`,
  );
  const unmarked = db.prepare<[string, number], { id: number; uid: number }>(
    `SELECT id, uid FROM journal
     WHERE mailbox = ? AND uidvalidity = ? AND outcome IS NOT NULL AND server_marked = 0 ORDER BY uid`,
  );
  const orphans = db.prepare<[string, number], JournalRow>(
    `SELECT ${cols} FROM journal WHERE mailbox = ? AND uidvalidity <> ? AND outcome IS NULL ORDER BY id`,
  );
  const pending = db.prepare<[string, number], JournalRow>(
    `SELECT ${cols} FROM journal WHERE mailbox = ? AND uidvalidity = ? AND outcome IS NULL ORDER BY uid`,
  );
  const mark = db.prepare<[number]>(`UPDATE journal SET server_marked = 1 WHERE id = ?`);
  const markAll = db.transaction((ids: number[]) => {
    for (const id of ids) mark.run(id);
  });
  const failed = db.prepare<[], JournalRow>(`SELECT ${cols} FROM journal WHERE outcome = 'failed' ORDER BY id`);

  /**
   * Insert the row for a fetched message (or find the one already there), and say whether this
   * counted an attempt: a new row, or an undecided one whose attempt was given back. Not for a
   * decided row, nor for a suspect: an undecided row whose attempt a dead process kept.
   */
  const recordCounted = (m: FetchedMessage): { row: JournalRow; counted: boolean } => {
    const counted = insert.run(m.mailbox, m.uidvalidity, m.uid, m.messageId, m.sha256, m.rawPath, m.size, nowIso()).changes > 0;
    return { row: byUid.get(m.mailbox, m.uidvalidity, m.uid)!, counted };
  };

  return {
    /** Insert the row for a fetched message, or return the one already there (a refetch after a crash). */
    record: (m: FetchedMessage): JournalRow => recordCounted(m).row,
    recordCounted,
    get: (id: number): JournalRow | null => byId.get(id) ?? null,
    at: (mailbox: string, uidvalidity: number, uid: number): JournalRow | null => byUid.get(mailbox, uidvalidity, uid) ?? null,
    /** Count one more try of this row, committed before it starts (a suspect, a replay). */
    attempt(id: number): JournalRow {
      attempt.run(id);
      return byId.get(id)!;
    },
    /** Undecided rows whose counted attempt ended without a crash (the pass stopped): not held against them. */
    giveBack: (ids: number[]) => giveBackAll(ids),
    setOutcome(id: number, o: OutcomeRecord): void {
      setOutcome.run(
        o.outcome,
        o.reason ?? null,
        o.ticketId ?? null,
        o.trace === undefined ? null : JSON.stringify(o.trace),
        o.subject ?? null,
        o.fromAddr ?? null,
        o.sentAt ?? null,
        nowIso(),
        id,
      );
    },
    duplicateOf(row: Pick<JournalRow, 'id' | 'sha256' | 'messageId'>, fromAddr: string | null): number | null {
      return duplicate.get(row.id, row.sha256, row.messageId, fromAddr)?.id ?? null;
    },
    /** Decided but not yet marked on the server (a crash came between commit and mark). */
    unmarked: (mailbox: string, uidvalidity: number) => unmarked.all(mailbox, uidvalidity),
    /** Fetched under an older UIDVALIDITY and never decided: replay them from the stored bytes. */
    orphans: (mailbox: string, uidvalidity: number) => orphans.all(mailbox, uidvalidity),
    /** Fetched under this UIDVALIDITY and not decided yet (a crash after the journal commit). */
    pending: (mailbox: string, uidvalidity: number) => pending.all(mailbox, uidvalidity),
    markServer: (ids: number[]) => markAll(ids),
    failed: () => failed.all(),
  };
}

export type JournalStore = ReturnType<typeof journalStore>;
