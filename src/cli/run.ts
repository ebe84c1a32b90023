import { runDaemon } from '../service/daemon.js';
import { action, configFrom, configOption, loggerFor, type Command } from './common.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run the daemon: read the mailbox, make tickets, deliver the outbox')
    .option(...configOption)
    .option('--once', 'one pass over the mailbox and the outbox, then exit 0')
    .action(
      action(async (opts: { config?: string; once?: boolean }) => {
        const config = configFrom(opts, { secrets: true });
        await runDaemon(config, { once: Boolean(opts.once), log: loggerFor(config) });
      }),
    );
}
