import { chmodSync, closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { TicketdError } from '../errors.js';
import { openDbReadOnly } from '../store/read-only.js';
import { withReadDb } from './read-db.js';

// `ticketd backup FILE`: a consistent copy of the database while the daemon runs. VACUUM INTO
// reads the whole database inside one read transaction (WAL: the daemon keeps writing beside
// it; the copy is the state of one instant, with every transaction committed by then, whole)
// and writes it compacted. The online backup API would restart its copy each time the daemon
// commits, which on a busy store may never end. Attachments and raw mail live in data_dir:
// back that directory up too (its files are written once and never changed).

export interface BackupResult {
  file: string;
  bytes: number;
  tickets: number;
}

export function backupDatabase(config: Config, file: string, opts: { force?: boolean } = {}): BackupResult {
  const target = path.resolve(file);
  if (target === path.resolve(config.database)) throw new TicketdError('USAGE', 'the backup file would be the database itself');
  if (existsSync(target) && !opts.force) throw new TicketdError('USAGE', `${file} exists; pass --force to replace it`);
  // Written under a temporary name beside the target and renamed: FILE is never half a copy.
  const tmp = `${target}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  try {
    withReadDb(config, (db) => db.prepare('VACUUM INTO ?').run(tmp));
    chmodSync(tmp, 0o600); // client mail and names: as private as the database
    const tickets = ticketsIn(tmp); // it opens, at this ticketd's schema version
    syncPath(tmp);
    renameSync(tmp, target);
    syncPath(path.dirname(target));
    return { file: target, bytes: statSync(target).size, tickets };
  } catch (err) {
    rmSync(tmp, { force: true });
    if (err instanceof TicketdError) throw err;
    throw new TicketdError('STORE', `backup to ${file} failed`, { cause: err });
  }
}

function ticketsIn(file: string): number {
  const db = openDbReadOnly(file);
  if (!db) throw new TicketdError('STORE', `the copy ${file} was not written`);
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM tickets').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function syncPath(p: string): void {
  const fd = openSync(p, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
