import { parseConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { drainOutbox, type DrainResult } from '../../src/outbox/deliver.js';
import { openDb } from '../../src/store/db.js';

export interface DrainArgs {
  configData: Record<string, unknown>;
  baseDir: string;
}

/** ticketd's delivery: one drainOutbox pass over what the ingest pass enqueued. */
export async function run(args: DrainArgs): Promise<DrainResult & { count: number; pendingBefore: number; seconds: number }> {
  const config = parseConfig(args.configData, args.baseDir, {});
  const log = createLogger(config.log_level);
  const db = openDb(config.database);
  try {
    const pending = (): number =>
      db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM outbox WHERE status = 'pending'`).get()?.n ?? 0;
    const pendingBefore = pending();
    const t0 = performance.now();
    const result = await drainOutbox(config, db, log);
    const seconds = (performance.now() - t0) / 1000;
    return { ...result, count: result.sent, pendingBefore, seconds };
  } finally {
    db.close();
  }
}
