import { nowIso, type Db } from './db.js';

// Where each mailbox folder was read up to. Advanced inside the transaction that records a
// message's outcome, so the checkpoint and the outcome are never out of step.

export interface Checkpoint {
  uidvalidity: number;
  lastUid: number;
}

export function checkpointStore(db: Db) {
  const get = db.prepare<[string], Checkpoint>(
    `SELECT uidvalidity, last_uid AS lastUid FROM checkpoints WHERE mailbox = ?`,
  );
  const set = db.prepare<[string, number, number, string]>(
    `INSERT INTO checkpoints (mailbox, uidvalidity, last_uid, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity,
       last_uid = excluded.last_uid, updated_at = excluded.updated_at`,
  );
  // Never moves backwards within one UIDVALIDITY: a replayed older message must not rewind it.
  const advance = db.prepare<[string, number, number, string]>(
    `INSERT INTO checkpoints (mailbox, uidvalidity, last_uid, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(mailbox) DO UPDATE SET last_uid = MAX(last_uid, excluded.last_uid),
       updated_at = excluded.updated_at
     WHERE uidvalidity = excluded.uidvalidity`,
  );
  const first = db.prepare<[string, number, number, string | null, string]>(
    `INSERT INTO checkpoints (mailbox, uidvalidity, last_uid, start_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
  );
  const startAt = db.prepare<[string], { startAt: string | null }>(`SELECT start_at AS startAt FROM checkpoints WHERE mailbox = ?`);
  const read = db.prepare<[string, string]>(`UPDATE checkpoints SET read_at = ? WHERE mailbox = ?`);
  return {
    get: (mailbox: string): Checkpoint | null => get.get(mailbox) ?? null,
    /**
     * The first read of a folder: start above `lastUid` (the mail below was left alone) and
     * remember the instant mailbox.start_from named (null: all).
     */
    start(mailbox: string, uidvalidity: number, lastUid: number, at: string | null): void {
      first.run(mailbox, uidvalidity, lastUid, at, nowIso());
    },
    /** The instant the first read started from; null for all of the folder (or no row). */
    startAt: (mailbox: string): string | null => startAt.get(mailbox)?.startAt ?? null,
    /** Start over for a new UIDVALIDITY: rescan from above `lastUid` (0: from UID 1). */
    reset(mailbox: string, uidvalidity: number, lastUid = 0): void {
      set.run(mailbox, uidvalidity, lastUid, nowIso());
    },
    /** A pass read the folder to its end (ticketd health reports it). */
    markRead(mailbox: string, at: string = nowIso()): void {
      read.run(at, mailbox);
    },
    advance(mailbox: string, uidvalidity: number, uid: number): void {
      advance.run(mailbox, uidvalidity, uid, nowIso());
    },
  };
}

export type CheckpointStore = ReturnType<typeof checkpointStore>;
