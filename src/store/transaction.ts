import type { Db } from './db.js';

// The one place that opens transactions (STYLE.md 15). Everything below takes the open one.

/**
 * Run `fn` in a transaction: its own, or the caller's when one is open (a group commit, a
 * CLI command wrapping several service calls). Inside a caller's transaction an error rolls
 * the whole of it back; a savepoint per call would only cost, since SQLite copies every page
 * a savepoint changes into its journal.
 */
export function inTransaction<T>(db: Db, fn: () => T): T {
  return db.inTransaction ? fn() : db.transaction(fn).immediate();
}
