import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { TicketdError } from '../errors.js';
import type { Db } from './db.js';
import { migrations } from './migrations.js';

/**
 * Open the store for reading only (CLI reads, `explain`): never creates the file and never
 * migrates, so a read command cannot change the database the daemon owns. Null when the
 * file does not exist yet.
 */
export function openDbReadOnly(file: string): Db | null {
  if (!existsSync(file)) return null;
  let db: Db;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
  } catch (err) {
    throw new TicketdError('STORE', `cannot open database ${file}`, { cause: err });
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version < migrations.length) {
    db.close();
    throw new TicketdError(
      'STORE',
      `database ${file} has schema version ${version}, this ticketd needs ${migrations.length}: run \`ticketd run --once\` to migrate it`,
    );
  }
  return db;
}
