import type { Config } from '../config/schema.js';
import { TicketdError } from '../errors.js';
import { BlobStore } from '../ingest/blob-store.js';
import { parseAndStore } from '../ingest/parse-store.js';
import type { Logger } from '../log.js';
import { openDb } from '../store/db.js';
import { journalStore, type JournalRow, type Outcome } from '../store/journal.js';
import { createLookup } from '../store/lookup.js';
import type { ChangeHook } from '../tickets/changes.js';
import { daemonParts } from './daemon-parts.js';
import { applyOutcome } from './apply-plan.js';
import { acquireLock } from './lock.js';
import { oversizeReason } from './poison.js';
import { processParsed, type ProcessContext } from './process-message.js';

// Replay stored raw mail through parse → pipeline → apply: one journal row, or every failed
// one. The row gets a new outcome (attempts counts the tries); the mailbox checkpoint is not
// touched. A row whose outcome already wrote something (ticket, message, event, outbox mail)
// is refused, since replaying it would do that twice. A message over limits.max_message_bytes
// is not read: it fails again with the same reason until the limit is raised.

export type ReprocessTarget = { id: number } | { failed: true };

export interface Reprocessed {
  journalId: number;
  before: Outcome | null;
  after: Outcome;
  reason: string | null;
  ticketKey: string | null;
}

export interface ReprocessOptions {
  log: Logger;
  /** Defaults to the daemon parts' hooks, so a replayed mail causes the same outbox rows. */
  hooks?: readonly ChangeHook[];
}

export async function reprocess(config: Config, target: ReprocessTarget, opts: ReprocessOptions): Promise<Reprocessed[]> {
  // Not beside a running daemon: both would decide the same pending rows.
  const lock = acquireLock(config.database);
  let db;
  try {
    db = openDb(config.database);
  } catch (err) {
    lock.release();
    throw err;
  }
  try {
    const journal = journalStore(db);
    let rows: JournalRow[];
    if ('id' in target) {
      const row = journal.get(target.id);
      if (!row) throw new TicketdError('NOT_FOUND', `journal #${target.id} does not exist`);
      rows = [row];
    } else {
      rows = journal.failed();
    }
    const ctx: ProcessContext = {
      db,
      config,
      hooks: opts.hooks ?? daemonParts(config).flatMap((p) => p.hooks ?? []),
      blobs: new BlobStore(config.data_dir),
      lookup: createLookup(db),
      log: opts.log.child({ component: 'reprocess' }),
    };
    const out: Reprocessed[] = [];
    const max = config.limits.max_message_bytes;
    for (const row of rows) {
      // Guard: the row still has the outcome read above and wrote nothing yet, both checked
      // inside the transaction: a daemon or a second reprocess may have got there first.
      const guard = { outcome: row.outcome, unwritten: true };
      // Still over the limit: never read whole; it fails again with the same reason.
      if (row.size > max) {
        const applied = applyOutcome(ctx, row.id, 'failed', oversizeReason(row.size, max), undefined, guard);
        if (applied.skipped && 'id' in target) throw new TicketdError('USAGE', applied.skipped);
        if (!applied.skipped) out.push({ journalId: row.id, before: row.outcome, after: applied.outcome, reason: applied.reason, ticketKey: null });
        continue;
      }
      // Counted before the parse, like the daemon's tries (a replay that crashes shows).
      journal.attempt(row.id);
      const parsed = await Promise.resolve()
        .then(() => parseAndStore(ctx.blobs.read(row.rawPath), ctx.blobs, config.limits.attachment_max_bytes))
        .catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
      const applied = processParsed(ctx, row.id, parsed, undefined, guard);
      if (applied.skipped) {
        if ('id' in target) throw new TicketdError('USAGE', applied.skipped);
        ctx.log.warn({ journalId: row.id, why: applied.skipped }, 'skipped: decided meanwhile');
        continue;
      }
      out.push({ journalId: row.id, before: row.outcome, after: applied.outcome, reason: applied.reason, ticketKey: applied.ticketKey });
    }
    return out;
  } finally {
    db.close();
    lock.release();
  }
}
