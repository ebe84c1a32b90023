import { parseConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { createOutboxHook } from '../../src/outbox/enqueue.js';
import { runDaemon, type DaemonPart } from '../../src/service/daemon.js';
import { daemonParts } from '../../src/service/daemon-parts.js';
import { loadTemplates } from '../../src/templates/load.js';

export interface IngestArgs {
  configData: Record<string, unknown>;
  baseDir: string;
}

export interface IngestResult {
  seconds: number;
  /** Who enqueued the acknowledgements: the daemon's own parts, or the bench's stand-in. */
  outboxHook: 'daemon parts' | 'bench stand-in';
}

/** One `run --once` pass of ticketd over the mailbox, fresh database and data_dir. */
export async function run(args: IngestArgs): Promise<IngestResult> {
  const config = parseConfig(args.configData, args.baseDir, {});
  // Logs go to this child's stderr, which the bench sends to a file: realistic cost, no noise.
  const log = createLogger(config.log_level);
  // Until the outbox registers its part in daemonParts, add its hook the way that part will,
  // so the pass writes the acknowledgements (and pays for them) in each message's transaction.
  const wired = daemonParts.some((p) => p.hooks?.length);
  const parts: readonly DaemonPart[] | undefined = wired
    ? undefined
    : [{ name: 'outbox (bench stand-in)', hooks: [createOutboxHook(config, loadTemplates(config))] }];
  const t0 = performance.now();
  await runDaemon(config, { once: true, log, parts });
  return { seconds: (performance.now() - t0) / 1000, outboxHook: wired ? 'daemon parts' : 'bench stand-in' };
}
