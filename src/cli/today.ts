import { today, type Today } from '../service/today.js';
import type { TicketRow } from '../store/read-tickets.js';
import { paintStatus, useColour } from './colour.js';
import { action, configFrom, configOption, jsonOption, printCleaned, printJson, type Command } from './common.js';
import { oneLine, statusCell, table } from './format.js';
import { actorFrom, asOption } from './identity.js';
import { ago, localTime } from '../dates.js';

interface TodayOpts {
  config?: string;
  as?: string;
  json?: boolean;
}

export function registerToday(program: Command): void {
  program
    .command('today')
    .description('"search your name": my new/open tickets oldest first, tbc tickets I check, and for leads the triage queue')
    .option(...configOption)
    .option(...asOption)
    .option(...jsonOption)
    .action(
      action((opts: TodayOpts) => {
        const config = configFrom(opts);
        const actor = actorFrom(config, opts);
        if (actor.kind !== 'staff') return;
        const day = today(config, { id: actor.id, role: actor.role });
        if (opts.json) return printJson(day);
        printCleaned(render(day, config.timezone, useColour()));
      }),
    );
}

function section(title: string, tickets: TicketRow[], empty: string, now: Date, colour: boolean, withAssignee = false): string {
  if (!tickets.length) return `${title}: ${empty}\n`;
  const rows = tickets.map((t) => [
    t.key,
    statusCell(t.status, t.clientWrote),
    t.priority,
    ago(t.createdAt, now),
    ...(withAssignee ? [t.assignee ?? '(triage)'] : []),
    t.clientEmail ?? '',
    oneLine(t.subject),
  ]);
  const header = ['KEY', 'STATUS', 'PRIORITY', 'AGE', ...(withAssignee ? ['ASSIGNEE'] : []), 'CLIENT', 'SUBJECT'];
  const body = table(header, rows, (col, cell) => (colour && col === 1 ? paintStatus(cell) : cell));
  return `${title} (${tickets.length}), oldest first\n${body}\n`;
}

function render(day: Today, timeZone: string, colour: boolean, now = new Date()): string {
  const { staff } = day;
  const blue = day.mine.filter((t) => t.clientWrote).length;
  const out = [
    `${staff.id} (${staff.role}), ${localTime(now.toISOString(), timeZone)}${blue ? `; ${blue} with a client message waiting (+blue)` : ''}\n`,
    section('Your tickets', day.mine, 'nothing assigned to you', now, colour),
    section('Waiting for your check', day.toCheck, 'nothing waiting for your check', now, colour, true),
  ];
  if (day.triage) out.push(section('Triage queue', day.triage, 'the triage queue is empty', now, colour));
  return out.join('\n');
}
