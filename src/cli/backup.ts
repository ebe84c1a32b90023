import { backupDatabase } from '../service/backup.js';
import { action, configFrom, configOption, jsonOption, print, printJson, type Command } from './common.js';

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('a consistent copy of the database, safe while the daemon runs (data_dir is backed up separately)')
    .argument('<file>', 'where to write the copy')
    .option('--force', 'replace FILE if it exists')
    .option(...configOption)
    .option(...jsonOption)
    .action(
      action((file: string, opts: { config?: string; force?: boolean; json?: boolean }) => {
        const r = backupDatabase(configFrom(opts), file, { force: opts.force });
        if (opts.json) return printJson(r);
        print(`backed up ${r.tickets} tickets to ${r.file} (${r.bytes} bytes)\n`);
      }),
    );
}
