import { TicketdError } from '../errors.js';
import { reply } from '../service/tickets.js';
import type { Command } from './common.js';
import { work, workOptions, type WorkOpts } from './work.js';

interface ReplyOpts extends WorkOpts {
  message: string;
  tbc?: boolean;
  close?: boolean;
}

export function registerReply(program: Command): void {
  workOptions(
    program
      .command('reply')
      .description("answer the client on the ticket's thread, signed with your name (through the outbox)")
      .argument('<key>', 'ticket key')
      .requiredOption('-m, --message <text>', 'the answer')
      .option('--tbc', 'and mark the work done (to be checked)')
      .option('--close', 'and close it (when you may)'),
  ).action(
    work((key: string, opts: ReplyOpts) => {
      if (opts.tbc && opts.close) throw new TicketdError('USAGE', '--tbc or --close, not both');
      const then = opts.tbc ? 'tbc' : opts.close ? 'closed' : undefined;
      return (ctx, actor) => reply(ctx, actor, 'cli', { target: { key }, text: opts.message, then });
    }),
  );
}
