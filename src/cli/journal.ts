import { InvalidArgumentError, Option } from 'commander';
import { localTime } from '../dates.js';
import { journalOutcomes, readJournal, type JournalOutcome } from '../service/read-journal.js';
import { action, configFrom, configOption, jsonOption, print, printJson, type Command } from './common.js';
import { oneLine, table } from './format.js';

interface JournalOpts {
  config?: string;
  outcome?: JournalOutcome;
  limit: number;
  json?: boolean;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number of at least 1');
  return n;
}

export function registerJournal(program: Command): void {
  program
    .command('journal')
    .description('recent fetched messages with their outcomes and reasons, newest first')
    .option(...configOption)
    .addOption(new Option('--outcome <outcome>', 'only this outcome').choices(journalOutcomes))
    .option('--limit <n>', 'how many rows', positiveInt, 20)
    .option(...jsonOption)
    .action(
      action((opts: JournalOpts) => {
        const config = configFrom(opts);
        const rows = readJournal(config, { outcome: opts.outcome, limit: opts.limit });
        if (opts.json) return printJson(rows);
        if (!rows.length) return void print('no journal entries\n');
        const lines = rows.map((r) => [
          String(r.id),
          localTime(r.fetchedAt, config.timezone),
          r.outcome,
          r.ticketKey ?? '',
          oneLine(r.fromAddr, 30),
          oneLine(r.subject, 40),
          oneLine(r.reason, 60),
        ]);
        print(`${table(['ID', 'FETCHED', 'OUTCOME', 'TICKET', 'FROM', 'SUBJECT', 'REASON'], lines)}\n`);
      }),
    );
}
