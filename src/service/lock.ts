import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, renameSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { TicketdError } from '../errors.js';

// One process at a time may write tickets from the mailbox (`run`, `reprocess`): two would
// each apply the same pending journal row.
//
// The lock is a kernel lock, so a dead process never holds it: `<database>.lock` is an empty
// SQLite database kept in an open BEGIN EXCLUSIVE transaction for the life of the process.
// SQLite takes that as fcntl (POSIX) locks on the file, which the kernel drops when the
// process ends however it ends (kill -9, OOM, power loss), and which SQLite also refuses to
// a second connection in the same process. The PID (`<database>.pid`) is only for the
// message "another ticketd is running (pid N)"; it is never the lock, so a stale one (a
// container's PID 1 restarted) blocks nothing.
//
// The lock file is never removed: a taker that unlinked it could lock a new file while a
// holder still locks the old one. Nothing here opens it with a plain descriptor either:
// closing any descriptor of a file drops all of this process's fcntl locks on it.

export interface Lock {
  release(): void;
}

export function acquireLock(database: string): Lock {
  if (database === ':memory:') return { release() {} };
  const file = `${database}.lock`;
  const pidFile = `${database}.pid`;
  // Taken before openDb, which would create the directory of a first run's database.
  makeDir(path.dirname(file));
  createPrivate(file);
  let db: Database.Database | null = null;
  try {
    db = tryLock(file);
  } catch (err) {
    if (!isBusy(err)) throw new TicketdError('STORE', `cannot take the lock ${file}`, { cause: err });
  }
  if (!db) throw new TicketdError('STORE', `another ticketd is running (pid ${runningPid(pidFile) ?? 'unknown'}); lock ${file}`);
  const held = db;
  try {
    writePid(pidFile);
  } catch {
    // Only the message of a second starter needs it ("pid unknown"); the lock is held.
  }
  return {
    release() {
      if (holder(pidFile) === process.pid) {
        try {
          unlinkSync(pidFile);
        } catch {
          // already gone
        }
      }
      held.close(); // rolls back the empty transaction and drops the lock
    },
  };
}

export interface LockState {
  /** A ticketd holds the lock; null when that could not be told (the lock file unreadable). */
  held: boolean | null;
  /** From `<database>.pid`, only when held. */
  pid: number | null;
  /** Why it could not be told. */
  error?: string;
}

/**
 * Whether a ticketd holds the lock, without taking it (`ticketd health`): a read of the lock
 * file is refused while the holder's exclusive transaction is open. The read holds a shared
 * lock for microseconds; a starter meeting it waits (tryLock's timeout) instead of failing.
 */
export function lockState(database: string): LockState {
  if (database === ':memory:') return { held: false, pid: null };
  const file = `${database}.lock`;
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: 0 });
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_CANTOPEN') return { held: false, pid: null }; // never started here
    return { held: null, pid: null, error: errorText(err) };
  }
  try {
    db.prepare('SELECT COUNT(*) FROM sqlite_master').get();
    return { held: false, pid: null };
  } catch (err) {
    if (isBusy(err)) return { held: true, pid: holder(`${database}.pid`) };
    return { held: null, pid: null, error: errorText(err) };
  } finally {
    db.close();
  }
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The open connection holding the lock, or a thrown SQLITE_BUSY. */
function tryLock(file: string): Database.Database {
  for (let attempt = 0; ; attempt++) {
    // A short timeout: a second starter fails soon instead of waiting for the holder to end,
    // but a health check's brief read of the file (lockState) does not make a start fail.
    const db = new Database(file, { timeout: 250 });
    try {
      db.exec('BEGIN EXCLUSIVE');
      return db;
    } catch (err) {
      db.close();
      // A PID file written by an older ticketd under this name: not a database. Emptying it
      // by path (no descriptor) is safe even against a racing starter: an empty file is the
      // lock's normal content, and a held lock never depends on the content.
      if ((err as { code?: string }).code === 'SQLITE_NOTADB' && attempt === 0) {
        truncateSync(file, 0);
        continue;
      }
      throw err;
    }
  }
}

const isBusy = (err: unknown): boolean => /^SQLITE_(BUSY|LOCKED)/.test(String((err as { code?: unknown }).code ?? ''));

/** Create the lock file 0600 if missing ('wx': an existing one is never opened here). */
function createPrivate(file: string): void {
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new TicketdError('STORE', `cannot create the lock ${file}`, { cause: err });
  }
  chmodSync(file, 0o600); // by path: whatever the umask or an older version made it
}

function makeDir(dir: string): void {
  const first = mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (first) for (let d = dir; d.length >= first.length; d = path.dirname(d)) chmodSync(d, 0o700);
}

/** Written whole under a temporary name and renamed, so a reader never sees half a PID. */
function writePid(pidFile: string): void {
  const tmp = `${pidFile}.${process.pid}.tmp`;
  writeFileSync(tmp, `${process.pid}\n`, { mode: 0o600 });
  renameSync(tmp, pidFile);
}

/**
 * The holder's PID for the message. The holder writes it just after it took the lock, so a
 * starter that lost the race may find the previous holder's PID (dead) or none: it looks
 * again for up to half a second. Whatever it finds is only printed.
 */
function runningPid(pidFile: string): number | null {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let pid = holder(pidFile);
  for (let i = 0; i < 20 && (pid === null || !alive(pid)); i++) {
    Atomics.wait(pause, 0, 0, 25);
    pid = holder(pidFile);
  }
  return pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holder(pidFile: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
