import { writeFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { TicketdError } from '../errors.js';
import { cleanLine } from '../mail/clean-text.js';
import { listUndelivered, retryMail, retryMails, showMail } from '../service/outbox.js';
import { action, configFrom, configOption, jsonOption, print, printJson, type Command } from './common.js';
import { ago } from '../dates.js';
import { oneLine, table } from './format.js';
import { localTime } from '../dates.js';

const mailId = (v: string): number => {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('an outbox id (a number from `ticketd outbox`)');
  return Number(v);
};

const count = (v: string): number => {
  if (!/^[1-9]\d*$/.test(v)) throw new InvalidArgumentError('a number of mails');
  return Number(v);
};

export function registerOutbox(program: Command): void {
  const outbox = program
    .command('outbox')
    .description('mail not delivered yet: pending, failed (with the server reply) and held back; --all also sent mail; show ID prints one, retry queues again')
    .option('--all [n]', 'the latest N mails (default 50) of any status, sent ones too', count)
    .option(...configOption)
    .option(...jsonOption)
    .action(
      action((opts: { config?: string; json?: boolean; all?: number | true }) => {
        const items = listUndelivered(configFrom(opts), opts.all === true ? 50 : opts.all);
        if (opts.json) return printJson(items);
        if (!items.length) return void print(opts.all ? 'outbox empty: no mail yet\n' : 'outbox empty: every mail delivered\n');
        const rows = items.map((m) => [
          String(m.id),
          m.status,
          m.kind,
          m.ticketKey ?? '',
          m.to,
          String(m.attempts),
          ago(m.createdAt),
          oneLine(m.status === 'pending' ? m.subject : `${m.lastError ?? ''}`, 70),
        ]);
        print(`${table(['ID', 'STATUS', 'KIND', 'TICKET', 'TO', 'TRIES', 'AGE', 'SUBJECT / REASON'], rows)}\n`);
      }),
    );
  outbox
    .command('show')
    .description('one mail as it is (or will be) sent: headers and text; --html FILE writes its HTML part')
    .argument('<id>', 'outbox id', mailId)
    .option('--html <file>', 'write the HTML part to FILE')
    .option(...configOption)
    .option(...jsonOption)
    .action(
      action((id: number, own: { config?: string; json?: boolean; html?: string }) => {
        // -c and --json may land on the parent command (commander), as for `schedule run`.
        const parent = outbox.opts<{ config?: string; json?: boolean }>();
        const config = configFrom({ config: own.config ?? parent.config });
        const m = showMail(config, id);
        if (own.html !== undefined) {
          if (m.html === null) throw new TicketdError('NOT_FOUND', `outbox mail #${id} has no HTML part (it is sent as text only)`);
          writeFileSync(own.html, m.html);
        }
        if (own.json ?? parent.json) return printJson(m);
        const state = [
          `outbox #${m.id}`,
          m.kind,
          m.ticketKey,
          m.status === 'sent' && m.sentAt ? `sent ${localTime(m.sentAt, config.timezone)}` : m.status,
          m.attempts ? `${m.attempts} attempt(s)` : null,
          m.lastError ? `last error: ${m.lastError}` : null,
        ].filter(Boolean);
        // Every header value is one cleaned line; the text keeps its line breaks only.
        const head = m.headers.map(([k, v]) => `${k}: ${cleanLine(v)}\n`).join('');
        const files = m.attachments.map((f) => `Attachment: ${cleanLine(f)}\n`).join('');
        const html = m.html === null ? '' : own.html !== undefined ? `(HTML part written to ${own.html})\n` : '(HTML part too: --html FILE writes it)\n';
        print(`${state.map((p) => cleanLine(String(p))).join('  ')}\n${head}${files}\n${m.text.replace(/\n?$/, '\n')}${html ? `\n${html}` : ''}`);
      }),
    );
  outbox
    .command('retry')
    .description('queue failed or held mail again (same Message-ID); the daemon or `run --once` sends it')
    .argument('[id]', 'outbox id', mailId)
    .option('--failed', 'every failed mail')
    .option('--held', 'every held mail (except mail to our own support address)')
    .option(...configOption)
    .action(
      action((id: number | undefined, opts: { config?: string; failed?: boolean; held?: boolean }) => {
        const statuses = [...(opts.failed ? ['failed' as const] : []), ...(opts.held ? ['held' as const] : [])];
        if ((id === undefined) === (statuses.length === 0))
          throw new TicketdError('USAGE', 'outbox retry takes an ID, or --failed and/or --held');
        const config = configFrom({ config: opts.config ?? outbox.opts<{ config?: string }>().config });
        if (id !== undefined) {
          const m = retryMail(config, id);
          return void print(`outbox #${m.id} to ${m.to} queued again: ${m.subject}\n`);
        }
        const r = retryMails(config, statuses);
        const parts = statuses.map((s) => `${r[s]} ${s}`).join(', ');
        print(`${r.failed + r.held} mail(s) queued again (${parts})\n`);
        if (r.keptOwn) print(`${r.keptOwn} mail(s) to our own support address left as they are: such mail is never sent\n`);
      }),
    );
}
