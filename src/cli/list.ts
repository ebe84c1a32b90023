import { Option } from 'commander';
import { findTickets, type TicketFilter } from '../service/find-tickets.js';
import { action, configFrom, configOption, jsonOption, print, printJson, type Command } from './common.js';
import { age, oneLine, statusCell, table } from './format.js';

interface ListOpts {
  config?: string;
  status?: TicketFilter['status'];
  assignee?: string;
  type?: string;
  client?: string;
  json?: boolean;
}

export function registerList(program: Command): void {
  program
    .command('list')
    .description('open tickets, oldest first (closed ones only with --status closed or all)')
    .option(...configOption)
    .addOption(new Option('--status <status>', 'only this status').choices(['new', 'open', 'tbc', 'closed', 'all']))
    .option('--assignee <staff-id>', 'only tickets assigned to this staff id ("none": the triage queue)')
    .option('--type <type-id>', 'only this request type')
    .option('--client <text>', "only clients whose address contains this (an address or a domain)")
    .option(...jsonOption)
    .action(
      action((opts: ListOpts) => {
        const config = configFrom(opts);
        const tickets = findTickets(config, {
          status: opts.status,
          assignee: opts.assignee,
          typeId: opts.type,
          client: opts.client,
        });
        if (opts.json) return printJson(tickets);
        if (!tickets.length) return void print('no tickets\n');
        const rows = tickets.map((t) => [
          t.key,
          statusCell(t.status, t.clientWrote),
          t.typeId,
          t.assignee ?? '(triage)',
          t.clientEmail ?? '',
          age(t.createdAt),
          oneLine(t.subject),
        ]);
        print(`${table(['KEY', 'STATUS', 'TYPE', 'ASSIGNEE', 'CLIENT', 'AGE', 'SUBJECT'], rows)}\n`);
      }),
    );
}
