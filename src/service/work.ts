import type { Config } from '../config/schema.js';
import { createOutboxHook } from '../outbox/enqueue.js';
import { openDb } from '../store/db.js';
import { inTransaction } from '../store/transaction.js';
import { loadTemplates } from '../templates/load.js';
import type { ServiceContext } from './ticket-core.js';

/**
 * One unit of staff work from the command line: the store opened for writing (WAL: beside a
 * running daemon), the outbox hook with the templates, one transaction around `fn`. The mail
 * it writes is delivered by the running daemon's outbox loop, or by `ticketd run --once`.
 */
export function withTicketService<T>(config: Config, fn: (ctx: ServiceContext) => T): T {
  const hooks = [createOutboxHook(config, loadTemplates(config))];
  const db = openDb(config.database);
  try {
    return inTransaction(db, () => fn({ db, config, hooks }));
  } finally {
    db.close();
  }
}
