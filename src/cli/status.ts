import { Argument } from 'commander';
import { setStatus, type StatusTarget } from '../service/tickets.js';
import type { Command } from './common.js';
import { work, workOptions } from './work.js';

// `status KEY open|tbc|closed`, and its two everyday names: `done KEY` (tbc) and `close KEY`.

export function registerStatus(program: Command): void {
  workOptions(
    program
      .command('status')
      .description('move a ticket: open (take on or reopen), tbc (done, to be checked), closed (checker)')
      .argument('<key>', 'ticket key, e.g. REF-1042')
      .addArgument(new Argument('<status>', 'the new status').choices(['open', 'tbc', 'closed'])),
  ).action(work((key: string, to: StatusTarget) => (ctx, actor) => setStatus(ctx, actor, 'cli', { target: { key }, to })));

  workOptions(program.command('done').description('mark the work done: to be checked (tbc), recording who did it').argument('<key>', 'ticket key')).action(
    work((key: string) => (ctx, actor) => setStatus(ctx, actor, 'cli', { target: { key }, to: 'tbc' })),
  );

  workOptions(program.command('close').description("close a checked ticket (its checker, or a manager); the client is told once").argument('<key>', 'ticket key')).action(
    work((key: string) => (ctx, actor) => setStatus(ctx, actor, 'cli', { target: { key }, to: 'closed' })),
  );
}
