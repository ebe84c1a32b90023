import type { Db } from './db.js';

// The scheduler's decisions: one row per (job, local day, recipient). Written only inside the
// transaction that writes the outbox row the claim caused (src/schedule/run-job.ts).

export interface ClaimRow {
  job: string;
  recipient: string;
  localDate: string;
  claimedAt: string;
  outboxId: number | null;
  tickets: number;
}

/** Who already has a claim for this job and day. */
export function claimedRecipients(db: Db, job: string, localDate: string): Set<string> {
  const rows = db
    .prepare<[string, string], { recipient: string }>(`SELECT recipient FROM schedule_claims WHERE job = ? AND local_date = ?`)
    .all(job, localDate);
  return new Set(rows.map((r) => r.recipient));
}

/** Take the claim; false when someone (another run, another daemon) already holds it. */
export function takeClaim(db: Db, c: { job: string; recipient: string; localDate: string; claimedAt: string; tickets: number }): boolean {
  return (
    db
      .prepare(
        `INSERT INTO schedule_claims (job, recipient, local_date, claimed_at, tickets) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (job, local_date, recipient) DO NOTHING`,
      )
      .run(c.job, c.recipient, c.localDate, c.claimedAt, c.tickets).changes === 1
  );
}

export function setClaimOutbox(db: Db, c: { job: string; recipient: string; localDate: string }, outboxId: number): void {
  db.prepare(`UPDATE schedule_claims SET outbox_id = ? WHERE job = ? AND local_date = ? AND recipient = ?`).run(
    outboxId,
    c.job,
    c.localDate,
    c.recipient,
  );
}

/** The claims of a job's latest claimed day (what `ticketd schedule` shows). */
export function lastClaims(db: Db, job: string): ClaimRow[] {
  return db
    .prepare<[string, string], ClaimRow>(
      `SELECT job, recipient, local_date AS localDate, claimed_at AS claimedAt, outbox_id AS outboxId, tickets
       FROM schedule_claims
       WHERE job = ? AND local_date = (SELECT MAX(local_date) FROM schedule_claims WHERE job = ?)
       ORDER BY recipient`,
    )
    .all(job, job);
}
