import type { Config } from '../config/schema.js';
import { journalOutcomes, recentJournal, type JournalFilter, type JournalOutcome, type JournalRow } from '../store/read-journal.js';
import { withReadDb } from './read-db.js';

export { journalOutcomes };
export type { JournalFilter, JournalOutcome, JournalRow };

/** The most recent journal rows (every fetched message and its outcome), newest first. */
export function readJournal(config: Config, filter: JournalFilter): JournalRow[] {
  return withReadDb(config, (db) => recentJournal(db, filter));
}
