import { clientAccount, RECENT_CLOSED, type AccountTicket, type ClientAccount } from '../service/client-account.js';
import { paintStatus, useColour } from './colour.js';
import { action, configFrom, configOption, jsonOption, printCleaned, printJson, type Command } from './common.js';
import { oneLine, statusCell, table } from './format.js';
import { ago, localTime } from '../dates.js';

interface ClientOpts {
  config?: string;
  json?: boolean;
}

export function registerClient(program: Command): void {
  program
    .command('client')
    .description("the account view for an inbound call: a client's open tickets with their last message, recent closed ones, contacts")
    .argument('<client>', 'an address, a mail domain, or an organisation name from clients.organisations')
    .option(...configOption)
    .option(...jsonOption)
    .action(
      action((query: string, opts: ClientOpts) => {
        const config = configFrom(opts);
        const account = clientAccount(config, query);
        if (opts.json) return printJson(account);
        printCleaned(render(account, config.timezone, useColour()));
      }),
    );
}

function heading({ scope }: ClientAccount): string {
  if (scope.kind === 'address') return `client ${scope.address}`;
  if (scope.kind === 'domain') return `clients at ${scope.domain}`;
  return `organisation ${scope.name} (${scope.domains.join(', ')})`;
}

function tickets(list: AccountTicket[], tz: string, now: Date, colour: boolean): string {
  const rows = list.map((t) => [t.key, statusCell(t.status, t.clientWrote), t.assignee ?? '(triage)', t.priority, ago(t.createdAt, now), t.clientEmail ?? '', oneLine(t.subject)]);
  const lines = table(['KEY', 'STATUS', 'ASSIGNEE', 'PRIORITY', 'AGE', 'CLIENT', 'SUBJECT'], rows, (col, cell) =>
    colour && col === 1 ? paintStatus(cell) : cell,
  ).split('\n');
  // Each ticket's row, then its last message on the line below.
  const out = [lines[0]!];
  list.forEach((t, i) => {
    out.push(lines[i + 1]!);
    const m = t.lastMessage;
    if (!m) return void out.push('    last: (no message)');
    const who = m.authorName ? `${m.authorName} (staff)` : `${m.authorKind} ${m.authorEmail ?? ''}`.trimEnd();
    out.push(`    last: ${localTime(m.at, tz)}, ${oneLine(who, 80)}: ${oneLine(m.text, 160) || '(no text)'}`);
  });
  return out.join('\n');
}

function render(a: ClientAccount, tz: string, colour: boolean, now = new Date()): string {
  const out = [oneLine(heading(a), 200), ''];
  if (a.contacts.length) {
    out.push(`Contacts (${a.contacts.length})`);
    out.push(
      table(
        ['EMAIL', 'NAME', 'ORGANISATION', 'FIRST SEEN', 'LAST SEEN'],
        a.contacts.map((c) => [c.email, c.name ?? '', c.organisation ?? '', localTime(c.firstSeen, tz), c.lastSeen ? localTime(c.lastSeen, tz) : '-']),
      ),
      '',
    );
  } else out.push('Contacts: none in the clients table', '');
  if (a.open.length) out.push(`Open tickets (${a.open.length}), oldest first`, tickets(a.open, tz, now, colour), '');
  else out.push('Open tickets: none', '');
  if (a.recentlyClosed.length) out.push(`Recently closed (last ${RECENT_CLOSED})`, tickets(a.recentlyClosed, tz, now, colour), '');
  else out.push('Recently closed: none', '');
  return out.join('\n');
}
