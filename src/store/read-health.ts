import type { Db } from './db.js';

// What `ticketd health` reads from the store: one small query each, all served by indexes
// or tiny tables, so a monitoring check every minute costs nothing.

export interface MailboxRead {
  uidvalidity: number;
  lastUid: number;
  /** End of the last pass that read the folder to its end; null before the first. */
  readAt: string | null;
}

export interface OutboxHealth {
  pending: number;
  held: number;
  failed: number;
  /** Failed rows created in the last day (the rest were seen before). */
  failedRecent: number;
  /** created_at of the oldest pending or sending row. */
  oldestPending: string | null;
}

export function mailboxRead(db: Db, mailbox: string): MailboxRead | null {
  return (
    db
      .prepare<[string], MailboxRead>(`SELECT uidvalidity, last_uid AS lastUid, read_at AS readAt FROM checkpoints WHERE mailbox = ?`)
      .get(mailbox) ?? null
  );
}

export function outboxHealth(db: Db, recentSince: string): OutboxHealth {
  return db
    .prepare<[string], OutboxHealth>(
      `SELECT
         (SELECT COUNT(*) FROM outbox WHERE status IN ('pending','sending')) AS pending,
         (SELECT COUNT(*) FROM outbox WHERE status = 'held') AS held,
         (SELECT COUNT(*) FROM outbox WHERE status = 'failed') AS failed,
         (SELECT COUNT(*) FROM outbox WHERE status = 'failed' AND created_at >= ?) AS failedRecent,
         (SELECT MIN(created_at) FROM outbox WHERE status IN ('pending','sending')) AS oldestPending`,
    )
    .get(recentSince)!;
}

export function failedJournal(db: Db, recentSince: string): { failed: number; failedRecent: number } {
  return db
    .prepare<[string], { failed: number; failedRecent: number }>(
      `SELECT COUNT(*) AS failed, COUNT(CASE WHEN processed_at >= ? THEN 1 END) AS failedRecent FROM journal WHERE outcome = 'failed'`,
    )
    .get(recentSince)!;
}

/** The last claim of each scheduled job: when it last decided a day, and which day. */
export function lastJobRuns(db: Db): { job: string; claimedAt: string; localDate: string }[] {
  return db
    .prepare<[], { job: string; claimedAt: string; localDate: string }>(
      `SELECT job, MAX(claimed_at) AS claimedAt, MAX(local_date) AS localDate FROM schedule_claims GROUP BY job ORDER BY job`,
    )
    .all();
}
