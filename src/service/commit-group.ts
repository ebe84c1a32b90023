import { isStorageError } from '../errors.js';
import type { Mail } from '../router/types.js';
import { checkpointStore } from '../store/checkpoints.js';
import { inTransaction } from '../store/transaction.js';
import type { JournalRow } from '../store/journal.js';
import type { Applied, MailboxPosition } from './apply-plan.js';
import { decideParsed, processParsed, type ProcessContext } from './process-message.js';

// Group commit: several parsed messages, in UID order, decided in ONE transaction (each
// one's checkpoint advance included). A commit per group instead of per message, still all
// or nothing: a crash repeats the group whole or not at all, and the caller marks the
// messages on the server only after this returns.

export interface GroupItem {
  row: JournalRow;
  /** The parse result; null when the row already has its outcome (nothing to decide). */
  parsed: Mail | Error | null;
  /** Where the checkpoint advances to (also for a row with nothing to decide); none: stays. */
  position?: MailboxPosition;
}

export interface GroupResult {
  row: JournalRow;
  applied: Applied | null;
}

/**
 * Decide and commit a group. If applying any message throws, the whole group is rolled back
 * and redone one message per transaction, where a failing message is recorded `failed` alone
 * (so no message needs a savepoint of its own inside the group).
 */
export function commitGroup(ctx: ProcessContext, group: readonly GroupItem[]): GroupResult[] {
  const one = (decide: typeof processParsed) => ({ row, parsed, position }: GroupItem): GroupResult => {
    if (parsed) return { row, applied: decide(ctx, row.id, parsed, position) };
    if (position) checkpointStore(ctx.db).advance(position.mailbox, position.uidvalidity, position.uid);
    return { row, applied: null };
  };
  if (group.length > 1) {
    try {
      return inTransaction(ctx.db, () => group.map(one(decideParsed)));
    } catch (err) {
      // A full disk fails every message alike: the pass stops and retries them later.
      if (isStorageError(err)) throw err;
      ctx.log.warn({ err, count: group.length }, 'group commit failed; deciding its messages one by one');
    }
  }
  return group.map(one(processParsed));
}
