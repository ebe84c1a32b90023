import { existsSync, statfsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { folderKey, mailboxFailure, probeMailbox, type MailboxProbe } from '../ingest/mailbox.js';
import { JOBS, jobTime } from '../schedule/jobs.js';
import { failedJournal, lastJobRuns, mailboxRead, outboxHealth, type MailboxRead } from '../store/read-health.js';
import { openDbReadOnly } from '../store/read-only.js';
import { assessHealth, THRESHOLDS, type HealthFacts, type HealthReport } from './health-check.js';
import { lockState } from './lock.js';

export type { HealthFacts, HealthReport };

export interface Health {
  report: HealthReport;
  facts: HealthFacts;
}

const NO_OUTBOX = { pending: 0, held: 0, failed: 0, failedRecent: 0, oldestPending: null };

/** Gather what `ticketd health` judges: the lock, the store (read-only), the server, the disk. */
export async function checkHealth(config: Config, now = new Date()): Promise<Health> {
  const recent = new Date(now.getTime() - THRESHOLDS.failedRecentMs).toISOString();
  const db = openDbReadOnly(config.database);
  let read: MailboxRead | null = null;
  let stored: Pick<HealthFacts, 'outbox' | 'journal'> & { runs: ReturnType<typeof lastJobRuns> } = {
    outbox: NO_OUTBOX,
    journal: { failed: 0, failedRecent: 0 },
    runs: [],
  };
  if (db) {
    try {
      read = mailboxRead(db, folderKey(config.mailbox));
      stored = { outbox: outboxHealth(db, recent), journal: failedJournal(db, recent), runs: lastJobRuns(db) };
    } finally {
      db.close();
    }
  }
  let probe: MailboxProbe | null = null;
  let error: string | null = null;
  try {
    probe = await probeMailbox(config.mailbox, read, THRESHOLDS.imapTimeoutMs);
  } catch (err) {
    error = mailboxFailure(config.mailbox, err);
  }
  const facts: HealthFacts = {
    now,
    pollSeconds: config.mailbox.poll_seconds,
    daemon: lockState(config.database),
    database: db !== null,
    mailbox: { read, probe, error },
    outbox: stored.outbox,
    journal: stored.journal,
    jobs: JOBS.map((job) => {
      const run = stored.runs.find((r) => r.job === job.name);
      return { job: job.name, enabled: jobTime(config, job) !== null, lastClaimedAt: run?.claimedAt ?? null, lastDay: run?.localDate ?? null };
    }),
    disk: diskFree(config.data_dir),
  };
  return { report: assessHealth(facts), facts };
}

/** Free space for ticketd under data_dir (or its nearest existing parent, before a first run). */
function diskFree(dir: string): HealthFacts['disk'] {
  let at = path.resolve(dir);
  while (!existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
  try {
    const s = statfsSync(at);
    return { path: dir, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch (err) {
    return { path: dir, error: err instanceof Error ? err.message : String(err) };
  }
}
