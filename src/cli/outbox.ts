import { InvalidArgumentError } from 'commander';
import { TicketdError } from '../errors.js';
import { listUndelivered, retryMail, retryMails } from '../service/outbox.js';
import { action, configFrom, configOption, jsonOption, print, printJson, type Command } from './common.js';
import { ago } from '../dates.js';
import { oneLine, table } from './format.js';

const mailId = (v: string): number => {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('an outbox id (a number from `ticketd outbox`)');
  return Number(v);
};

export function registerOutbox(program: Command): void {
  const outbox = program
    .command('outbox')
    .description('mail not delivered yet: pending, failed (with the server reply) and held back')
    .option(...configOption)
    .option(...jsonOption)
    .action(
      action((opts: { config?: string; json?: boolean }) => {
        const items = listUndelivered(configFrom(opts));
        if (opts.json) return printJson(items);
        if (!items.length) return void print('outbox empty: every mail delivered\n');
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
