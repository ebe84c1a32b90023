import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { TicketdError } from '../errors.js';
import { migrations } from './migrations.js';

export type Db = Database.Database;

/** Open (creating if needed) the SQLite store and bring its schema up to date. */
export function openDb(file: string): Db {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  let db: Db;
  try {
    db = new Database(file);
  } catch (err) {
    throw new TicketdError('STORE', `cannot open database ${file}`, { cause: err });
  }
  // WAL: readers (CLI) never block the daemon. synchronous=NORMAL keeps every committed
  // transaction across a process crash (kill -9); only an OS crash may lose the last ones.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

export const nowIso = (d: Date = new Date()): string => d.toISOString();
