import { open } from '../service/tickets.js';
import { typedMessage } from '../service/ticket-mail.js';
import type { Command } from './common.js';
import { work, workOptions, type WorkOpts } from './work.js';

interface OpenOpts extends WorkOpts {
  client: string;
  type: string;
  subject: string;
  message: string;
  notifyClient?: boolean;
}

export function registerOpen(program: Command): void {
  workOptions(
    program
      .command('open')
      .description('open a ticket for a client (you check it when it is done)')
      .requiredOption('--client <address>', "the client's one email address")
      .requiredOption('--type <type-id>', 'request type id')
      .requiredOption('--subject <text>', 'subject')
      .requiredOption('-m, --message <text>', 'what is to be done')
      .option('--notify-client', 'send the client the acknowledgement with the key'),
  ).action(
    work((opts: OpenOpts) => (ctx, actor, config) => {
      const me = config.staff.find((s) => s.id === (actor.kind === 'staff' ? actor.id : ''))!;
      const r = open(ctx, actor, 'cli', {
        typeId: opts.type,
        subject: opts.subject,
        client: { email: opts.client },
        message: typedMessage(opts.message, opts.subject, { email: me.email, name: me.name }),
        quiet: !opts.notifyClient,
      });
      return r.ok ? { ok: true, ticket: r.ticket } : r;
    }),
  );
}
