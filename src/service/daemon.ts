import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';

export interface DaemonOptions {
  once: boolean;
  log: Logger;
}

/** Placeholder until the ingest work lands: the mailbox loop, the outbox loop, SIGTERM. */
export async function runDaemon(_config: Config, _opts: DaemonOptions): Promise<void> {
  throw new Error('runDaemon: not implemented yet');
}
