import { TicketdError } from '../errors.js';
import { storeReplyFiles } from '../service/reply-files.js';
import { reply } from '../service/tickets.js';
import { configFrom, type Command } from './common.js';
import { work, workOptions, type WorkOpts } from './work.js';

interface ReplyOpts extends WorkOpts {
  message: string;
  tbc?: boolean;
  close?: boolean;
  attach?: string[];
}

export function registerReply(program: Command): void {
  workOptions(
    program
      .command('reply')
      .description("answer the client on the ticket's thread, signed with your name (through the outbox)")
      .argument('<key>', 'ticket key')
      .requiredOption('-m, --message <text>', 'the answer')
      .option('--attach <file>', 'attach a file (repeat for more)', (f: string, all: string[] = []) => [...all, f])
      .option('--tbc', 'and mark the work done (to be checked)')
      .option('--close', 'and close it (when you may)'),
  ).action(
    work((key: string, opts: ReplyOpts) => {
      if (opts.tbc && opts.close) throw new TicketdError('USAGE', '--tbc or --close, not both');
      const then = opts.tbc ? 'tbc' : opts.close ? 'closed' : undefined;
      // Stored (fsynced) before the transaction that names them, so the write lock is not held
      // while they are written; a refused reply leaves them unreferenced (content-addressed).
      const attachments = opts.attach?.length ? storeReplyFiles(configFrom(opts), opts.attach) : [];
      return (ctx, actor) => (Array.isArray(attachments) ? reply(ctx, actor, 'cli', { target: { key }, text: opts.message, then, attachments }) : attachments);
    }),
  );
}
