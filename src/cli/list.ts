import { Option } from 'commander';
import type { Config } from '../config/schema.js';
import { TicketdError } from '../errors.js';
import { findTickets, type TicketFilter, type TicketRow } from '../service/find-tickets.js';
import { paintStatus, useColour } from './colour.js';
import { action, configFrom, configOption, jsonOption, print, printCleaned, printJson, type Command } from './common.js';
import { oneLine, statusCell, table } from './format.js';
import { actorFrom, asOption } from './identity.js';
import { ago, localTime } from '../dates.js';

interface ListOpts {
  config?: string;
  status?: TicketFilter['status'];
  assignee?: string;
  type?: string;
  client?: string;
  mine?: boolean;
  as?: string;
  json?: boolean;
}

export function registerList(program: Command): void {
  program
    .command('list')
    .description('open tickets, oldest first (closed ones only with --status closed or all)')
    .option(...configOption)
    .addOption(new Option('--status <status>', 'only this status').choices(['new', 'open', 'tbc', 'closed', 'all']))
    .option('--assignee <staff-id>', 'only tickets assigned to this staff id ("none": the triage queue)')
    .option('--mine', 'only tickets assigned to me (who I am: --as, $TICKETD_AS, or my OS login)')
    .option(...asOption)
    .option('--type <type-id>', 'only this request type')
    .option('--client <text>', "only clients whose address contains this (an address or a domain)")
    .option(...jsonOption)
    .action(
      action((opts: ListOpts) => {
        const config = configFrom(opts);
        if (opts.mine && opts.assignee) throw new TicketdError('USAGE', '--mine and --assignee name two people: pass one');
        const me = opts.mine ? actorFrom(config, opts) : null;
        const tickets = findTickets(config, {
          status: opts.status,
          assignee: me?.kind === 'staff' ? me.id : opts.assignee,
          typeId: opts.type,
          client: opts.client,
        });
        if (opts.json) return printJson(tickets);
        if (!tickets.length) return void print(me ? 'nothing assigned to you\n' : 'no tickets\n');
        printCleaned(`${ticketTable(config, tickets)}\n`);
      }),
    );
}

/** The list's table: times in the config's timezone, ages in words, colours on a terminal. */
export function ticketTable(config: Config, tickets: TicketRow[], now = new Date()): string {
  const rows = tickets.map((t) => [
    t.key,
    statusCell(t.status, t.clientWrote),
    t.typeId,
    t.assignee ?? '(triage)',
    t.clientEmail ?? '',
    t.priority,
    localTime(t.createdAt, config.timezone),
    ago(t.createdAt, now),
    oneLine(t.subject),
  ]);
  const colour = useColour();
  return table(['KEY', 'STATUS', 'TYPE', 'ASSIGNEE', 'CLIENT', 'PRIORITY', 'OPENED', 'AGE', 'SUBJECT'], rows, (col, cell) =>
    colour && col === 1 ? paintStatus(cell) : cell,
  );
}
