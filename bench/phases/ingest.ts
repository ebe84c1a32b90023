import { parseConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { runDaemon } from '../../src/service/daemon.js';

export interface IngestArgs {
  configData: Record<string, unknown>;
  baseDir: string;
}

/** One `run --once` pass of ticketd over the mailbox, fresh database and data_dir. */
export async function run(args: IngestArgs): Promise<{ seconds: number }> {
  const config = parseConfig(args.configData, args.baseDir, {});
  // Logs go to this child's stderr, which the bench sends to a file: realistic cost, no noise.
  const log = createLogger(config.log_level);
  const t0 = performance.now();
  await runDaemon(config, { once: true, log });
  return { seconds: (performance.now() - t0) / 1000 };
}
