import { TicketdError } from '../errors.js';
import { cleanText } from '../mail/clean-text.js';
import { reworkReport, type ReworkRow } from '../service/rework-report.js';
import { action, configFrom, configOption, jsonOption, print, printJson, type Command } from './common.js';
import { toCsv } from './csv.js';
import { oneLine, table } from './format.js';
import { localTime } from '../dates.js';
import { sinceInstant } from './time.js';

interface ReworkOpts {
  config?: string;
  since?: string;
  worker?: string;
  csv?: boolean;
  json?: boolean;
}

const HEADER = ['ticket', 'type', 'worker', 'checker', 'sent_back_at', 'reason', 'back_to_tbc_at'];

export function registerRework(program: Command): void {
  program
    .command('rework')
    .description('the rework tracker: work a checker sent back, oldest first')
    .option(...configOption)
    .option('--since <date>', "only send-backs from this day (YYYY-MM-DD, in the config's timezone) or ISO time")
    .option('--worker <staff-id>', 'only work by this staff id')
    .option('--csv', 'CSV (RFC 4180, UTF-8, CRLF) for a spreadsheet; times in UTC (ISO 8601)')
    .option(...jsonOption)
    .action(
      action((opts: ReworkOpts) => {
        if (opts.csv && opts.json) throw new TicketdError('USAGE', '--csv and --json: pass one');
        const config = configFrom(opts);
        const since = opts.since === undefined ? undefined : sinceInstant(opts.since, config.timezone);
        if (since === null) throw new TicketdError('USAGE', `--since: "${opts.since}" is not a date (YYYY-MM-DD) or an ISO time`);
        if (opts.worker && !config.staff.some((s) => s.id === opts.worker)) {
          throw new TicketdError('USAGE', `--worker: unknown staff id "${opts.worker}"`);
        }
        const rows = reworkReport(config, { since, worker: opts.worker });
        if (opts.json) return printJson(rows);
        if (opts.csv) return void process.stdout.write(csv(rows));
        if (!rows.length) return void print('no rework\n');
        print(
          `${table(
            ['KEY', 'TYPE', 'WORKER', 'CHECKER', 'SENT BACK', 'BACK TO TBC', 'REASON'],
            rows.map((r) => [r.ticketKey, r.typeId, r.worker, r.checker, localTime(r.sentBackAt, config.timezone), r.backToTbcAt ? localTime(r.backToTbcAt, config.timezone) : '(in rework)', oneLine(r.reason, 200)]),
          )}\n`,
        );
      }),
    );
}

/** Stored text is cleaned of terminal controls first (the CSV may well be read on a terminal). */
function csv(rows: ReworkRow[]): string {
  const t = (s: string | null) => (s === null ? null : cleanText(s));
  return toCsv(
    HEADER,
    rows.map((r) => [t(r.ticketKey), t(r.typeId), t(r.worker), t(r.checker), r.sentBackAt, t(r.reason), r.backToTbcAt]),
  );
}
