import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { TicketdError } from '../errors.js';
import { migrations } from './migrations.js';

export type Db = Database.Database;

/** Open (creating if needed) the SQLite store and bring its schema up to date. */
export function openDb(file: string): Db {
  if (file !== ':memory:') makePrivate(file);
  let db: Db;
  try {
    db = new Database(file);
  } catch (err) {
    throw new TicketdError('STORE', `cannot open database ${file}`, { cause: err });
  }
  // WAL: readers (CLI) never block the daemon. synchronous=FULL: COMMIT returns only after
  // the WAL is fsynced, and SQLite makes a commit visible to any reader (the outbox, the
  // mark on the server) only after that sync. So nothing ever leaves this process (an
  // acknowledgement with a ticket key, a \Seen flag or MOVE) on the strength of a commit a
  // power cut could take back. NORMAL syncs only at checkpoints and may lose the last
  // commits on an OS crash or power loss.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/**
 * The database's directory (made 0700 if missing) and the file itself made 0600 before SQLite
 * opens it: SQLite creates its -wal and -shm with the database file's mode, so they are
 * private too. An existing file (and -wal/-shm) is tightened, whatever the umask made it.
 */
function makePrivate(file: string): void {
  const dir = path.dirname(file);
  // recursive mkdir returns the first directory it made: that and everything below is ours.
  const first = mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (first) for (let d = dir; d.length >= first.length; d = path.dirname(d)) chmodSync(d, 0o700);
  // 'wx' never opens an existing file: closing a descriptor of a database this process has
  // open would drop SQLite's POSIX locks on it.
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new TicketdError('STORE', `cannot create database ${file}`, { cause: err });
  }
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      chmodSync(f, 0o600);
    } catch (err) {
      // ENOENT: not there yet; EPERM: a reader that does not own the store (the owner's next open tightens it).
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EPERM') throw new TicketdError('STORE', `cannot make ${f} private`, { cause: err });
    }
  }
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
