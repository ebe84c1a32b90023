import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TicketdError } from '../errors.js';

// One process at a time may write tickets from the mailbox (`run`, `reprocess`): two would
// each apply the same pending journal row. `<database>.lock` holds the owner's PID; a lock
// whose PID is dead (kill -9, power loss) is taken over.

export interface Lock {
  release(): void;
}

export function acquireLock(database: string): Lock {
  if (database === ':memory:') return { release() {} };
  const file = `${database}.lock`;
  // Taken before openDb, which would create the directory of a first run's database.
  mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return { release: () => releaseOwn(file) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = holder(file);
    if (pid !== null && alive(pid)) throw new TicketdError('STORE', `another ticketd is running (pid ${pid}); lock file ${file}`);
    // Dead or unreadable holder: remove its file and race for a fresh one (wx decides).
    try {
      unlinkSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  throw new TicketdError('STORE', `could not take the lock file ${file}`);
}

function holder(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else, so it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove the file only while it is still ours (a taker may have replaced it). */
function releaseOwn(file: string): void {
  if (holder(file) === process.pid) {
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  }
}
