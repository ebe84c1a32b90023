import { parseConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { runDaemon } from '../../src/service/daemon.js';

export interface IngestArgs {
  configData: Record<string, unknown>;
  baseDir: string;
}

export interface IngestResult {
  seconds: number;
}

/**
 * One `run --once` pass of ticketd over the mailbox, fresh database and data_dir, with the
 * daemon's own parts (the outbox hook writes acknowledgements and notices in each message's
 * transaction). The config has no smtp section, so the pass's drain leaves them queued for
 * the delivery phase.
 */
export async function run(args: IngestArgs): Promise<IngestResult> {
  const config = parseConfig(args.configData, args.baseDir, {});
  // Logs go to this child's stderr, which the bench sends to a file: realistic cost, no noise.
  const log = createLogger(config.log_level);
  const t0 = performance.now();
  await runDaemon(config, { once: true, log });
  return { seconds: (performance.now() - t0) / 1000 };
}
