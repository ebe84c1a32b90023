import type { Config } from '../config/schema.js';
import { TicketdError } from '../errors.js';
import type { Db } from '../store/db.js';
import { openDbReadOnly } from '../store/read-only.js';

/** Run `fn` on a read-only handle to the configured store, closing it afterwards. */
export function withReadDb<T>(config: Config, fn: (db: Db) => T): T {
  const db = openDbReadOnly(config.database);
  if (!db) {
    throw new TicketdError('NOT_FOUND', `no database at ${config.database} yet (\`ticketd run\` creates it)`);
  }
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
