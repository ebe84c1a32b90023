import { reprocess, type ReprocessTarget } from '../service/reprocess.js';
import { TicketdError } from '../errors.js';
import { action, configFrom, configOption, jsonOption, loggerFor, print, printJson, type Command } from './common.js';

interface ReprocessOpts {
  config?: string;
  failed?: boolean;
  json?: boolean;
}

/** Exactly one of a journal id or --failed. */
function targetOf(id: string | undefined, failed: boolean): ReprocessTarget {
  if (failed && id === undefined) return { failed: true };
  if (!failed && id !== undefined && /^[1-9][0-9]*$/.test(id)) return { id: Number(id) };
  throw new TicketdError('USAGE', 'give a journal id (a number, see `ticketd journal`) or --failed, not both');
}

export function registerReprocess(program: Command): void {
  program
    .command('reprocess')
    .description('replay journaled mail from its stored raw bytes: one journal row, or every failed one')
    .argument('[id]', 'journal id (see `ticketd journal`)')
    .option(...configOption)
    .option('--failed', 'every message whose outcome is failed')
    .option(...jsonOption)
    .action(
      action(async (id: string | undefined, opts: ReprocessOpts) => {
        const target = targetOf(id, Boolean(opts.failed));
        const config = configFrom(opts);
        const results = await reprocess(config, target, { log: loggerFor(config) });
        // Still failing after the replay is a failure of the command too.
        if (results.some((r) => r.after === 'failed')) process.exitCode = 1;
        if (opts.json) return printJson(results);
        if (!results.length) return void print('nothing to reprocess\n');
        for (const r of results) {
          const what = [r.after, r.ticketKey, r.reason ? `(${r.reason})` : ''].filter(Boolean).join(' ');
          print(`#${r.journalId} ${r.before ?? 'pending'} → ${what}\n`);
        }
      }),
    );
}
