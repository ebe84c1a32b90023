import type { Config } from '../config/schema.js';
import { listRework, type ReworkFilter, type ReworkRow } from '../store/read-rework.js';
import { withReadDb } from './read-db.js';

export type { ReworkFilter, ReworkRow };

/** `ticketd rework`: the send-backs, oldest first. */
export function reworkReport(config: Config, filter: ReworkFilter): ReworkRow[] {
  return withReadDb(config, (db) => listRework(db, filter));
}
