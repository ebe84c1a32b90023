import type { Config } from '../config/schema.js';
import { errorMessage, isStorageError } from '../errors.js';
import type { BlobStore } from '../ingest/blob-store.js';
import type { Logger } from '../log.js';
import { runPipeline } from '../router/pipeline.js';
import type { LookupPort, Mail } from '../router/types.js';
import type { Db } from '../store/db.js';
import { applyOutcome, applyPlan, type Applied, type ApplyGuard, type MailboxPosition } from './apply-plan.js';
import type { ChangeHook } from '../tickets/changes.js';

// From a parsed message (attachments already stored) or the error that stopped its parse, to
// its committed outcome: the pipeline, then the one transaction. Shared by the
// mailbox pass and `reprocess`. Any error becomes the outcome `failed`; the raw bytes stay.
// Except a storage error (full disk, I/O error, busy database): nothing is wrong with the
// message, so it is thrown, nothing is recorded, and a later pass retries the message.

export interface ProcessContext {
  db: Db;
  config: Readonly<Config>;
  hooks: readonly ChangeHook[];
  blobs: BlobStore;
  lookup: LookupPort;
  log: Logger;
}

export function processParsed(
  ctx: ProcessContext,
  journalId: number,
  parsed: Mail | Error,
  position?: MailboxPosition,
  guard?: ApplyGuard,
): Applied {
  // Its failure path relies on the failed attempt being rolled back by itself: never inside
  // a caller's transaction (a group commit uses decideParsed).
  if (ctx.db.inTransaction) throw new Error('processParsed must run outside a transaction');
  if (parsed instanceof Error) return decideParsed(ctx, journalId, parsed, position, guard);
  try {
    return decideParsed(ctx, journalId, parsed, position, guard);
  } catch (err) {
    if (isStorageError(err)) throw err;
    return failed(ctx, journalId, `not applied: ${errorMessage(err)}`, position, err, guard);
  }
}

/**
 * Like processParsed, but an error applying the plan is thrown (nothing of it written) instead
 * of being recorded as `failed`: a group commit rolls the whole group back and redoes it one
 * message per transaction, so a failing message never takes its neighbours with it.
 */
export function decideParsed(
  ctx: ProcessContext,
  journalId: number,
  parsed: Mail | Error,
  position?: MailboxPosition,
  guard?: ApplyGuard,
): Applied {
  if (parsed instanceof Error) {
    if (isStorageError(parsed)) throw parsed;
    return failed(ctx, journalId, `parse failed: ${errorMessage(parsed)}`, position, parsed, guard);
  }
  const result = runPipeline(parsed, { config: ctx.config, lookup: ctx.lookup });
  return applyPlan(ctx, { journalId, mail: parsed, result, position, guard });
}

function failed(
  ctx: ProcessContext,
  journalId: number,
  reason: string,
  position: MailboxPosition | undefined,
  err: unknown,
  guard: ApplyGuard | undefined,
): Applied {
  ctx.log.warn({ err, journalId }, 'message failed; raw kept for reprocess');
  return applyOutcome(ctx, journalId, 'failed', reason, position, guard);
}
