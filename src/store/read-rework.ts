import type { Db } from './db.js';

// The rework tracker (seeds/002's "ENFRA Tracker sheet"): work a checker sent back. Read only.

export interface ReworkRow {
  id: number;
  ticketKey: string;
  typeId: string;
  worker: string;
  checker: string;
  sentBackAt: string;
  reason: string;
  /** When the worker marked it done again; null while it is still being reworked. */
  backToTbcAt: string | null;
}

export interface ReworkFilter {
  /** ISO instant: only send-backs at or after it. */
  since?: string;
  worker?: string;
}

/** Send-backs in the order they happened. */
export function listRework(db: Db, filter: ReworkFilter = {}): ReworkRow[] {
  const where: string[] = [];
  const params: Record<string, string> = {};
  if (filter.since) {
    where.push('r.sent_back_at >= @since');
    params.since = filter.since;
  }
  if (filter.worker) {
    where.push('r.worker = @worker');
    params.worker = filter.worker;
  }
  return db
    .prepare<[Record<string, string>], ReworkRow>(
      `SELECT r.id, t.key AS ticketKey, r.type_id AS typeId, r.worker, r.checker, r.sent_back_at AS sentBackAt,
         r.reason, r.back_to_tbc_at AS backToTbcAt
       FROM rework r JOIN tickets t ON t.id = r.ticket_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY r.sent_back_at, r.id`,
    )
    .all(params);
}
