import { localTime } from '../dates.js';
import { showTicket, type TicketDetail } from '../service/show-ticket.js';
import { action, configFrom, configOption, jsonOption, print, printJson, type Command } from './common.js';
import { indent, statusCell, table } from './format.js';

interface ShowOpts {
  config?: string;
  json?: boolean;
  full?: boolean;
}

export function registerShow(program: Command): void {
  program
    .command('show')
    .description('one ticket: its messages, attachments and events')
    .argument('<key>', 'ticket key, e.g. REF-1042')
    .option(...configOption)
    .option('--full', 'full message text (with quoted history and signature), not just the new text')
    .option(...jsonOption)
    .action(
      action((key: string, opts: ShowOpts) => {
        const config = configFrom(opts);
        const detail = showTicket(config, key);
        if (opts.json) return printJson(detail);
        print(render(detail, Boolean(opts.full), config.timezone));
      }),
    );
}

function render({ ticket: t, messages, attachments, events }: TicketDetail, full: boolean, timeZone: string): string {
  const out: string[] = [];
  const when = (iso: string) => localTime(iso, timeZone);
  out.push(`${t.key}  ${t.subject}`);
  out.push(
    table(
      ['status', statusCell(t.status, t.clientWrote)],
      [
        ['type', `${t.typeId} (priority ${t.priority})`],
        ['assignee', t.assignee ?? '(triage queue)'],
        ['checker', t.checker],
        ['client', [t.clientEmail ?? '-', t.organisation ? `(${t.organisation})` : ''].join(' ').trim()],
        ['opened', `${when(t.createdAt)} by ${t.openerKind} ${t.openerName ? `${t.openerName} ` : ''}<${t.openerEmail}>`],
        ['updated', when(t.updatedAt)],
        ...(t.closedAt ? [['closed', when(t.closedAt)]] : []),
      ],
    ),
  );
  out.push('', `Messages (${messages.length})`);
  for (const m of messages) {
    const arrow = m.direction === 'in' ? 'in ' : 'out';
    const author = m.thirdParty ? 'third party (changed nothing)' : m.authorKind;
    out.push(`#${m.id} ${arrow} ${when(m.createdAt)} ${author} ${m.authorEmail ?? ''}`.trimEnd());
    if (m.subject) out.push(`    Subject: ${m.subject}`);
    if (m.sentAt) out.push(`    Date: ${when(m.sentAt)} (the sender's clock)`);
    const text = (full ? m.bodyText : m.visibleText).trim();
    out.push(text ? indent(text) : '    (no text)');
    for (const a of attachments.filter((x) => x.messageId === m.id)) {
      const stored = a.path ? '' : ` not stored${a.note ? `: ${a.note}` : ''}`;
      out.push(`    [attachment] ${a.filename} (${a.contentType}, ${a.size} bytes)${stored}`);
    }
    out.push('');
  }
  out.push(`Events (${events.length})`);
  if (events.length) {
    out.push(
      table(
        ['AT', 'KIND', 'ACTOR', 'VIA', 'DATA'],
        events.map((e) => [when(e.at), e.kind, e.actor, e.via, eventData(e.data)]),
      ),
    );
  }
  return `${out.join('\n')}\n`;
}

function eventData(data: unknown): string {
  if (data && typeof data === 'object' && !Object.keys(data).length) return '';
  return typeof data === 'string' ? data : JSON.stringify(data);
}
