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
  return {
    get: (mailbox: string): Checkpoint | null => get.get(mailbox) ?? null,
    /** Start over for a new UIDVALIDITY (rescan from UID 1). */
    reset(mailbox: string, uidvalidity: number): void {
      set.run(mailbox, uidvalidity, 0, nowIso());
    },
    advance(mailbox: string, uidvalidity: number, uid: number): void {
      advance.run(mailbox, uidvalidity, uid, nowIso());
    },
  };
}

export type CheckpointStore = ReturnType<typeof checkpointStore>;
