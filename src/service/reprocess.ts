import type { Config } from '../config/schema.js';
import { TicketdError } from '../errors.js';
import { BlobStore } from '../ingest/blob-store.js';
import { parseAndStore } from '../ingest/parse-store.js';
import type { Logger } from '../log.js';
import { openDb } from '../store/db.js';
import { journalStore, type JournalRow, type Outcome } from '../store/journal.js';
import { createLookup } from '../store/lookup.js';
import type { ChangeHook } from './changes.js';
import { daemonParts } from './daemon-parts.js';
import { acquireLock } from './lock.js';
import { processParsed, type ProcessContext } from './process-message.js';

// Replay stored raw mail through parse → pipeline → apply: one journal row, or every failed
// one. The row gets a new outcome (attempts counts the tries); the mailbox checkpoint is not
// touched. A row whose outcome already wrote something (ticket, message, event, outbox mail)
// is refused, since replaying it would do that twice.

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
    for (const row of rows) {
      const parsed = await Promise.resolve()
        .then(() => parseAndStore(ctx.blobs.read(row.rawPath), ctx.blobs, config.limits.attachment_max_bytes))
        .catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
      // Applied only if the row still has the outcome read above and wrote nothing yet, both
      // checked inside the transaction: a daemon or a second reprocess may have got there first.
      const applied = processParsed(ctx, row.id, parsed, undefined, { outcome: row.outcome, unwritten: true });
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
