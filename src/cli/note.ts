import { note } from '../service/tickets.js';
import type { Command } from './common.js';
import { work, workOptions, type WorkOpts } from './work.js';

export function registerNote(program: Command): void {
  workOptions(
    program
      .command('note')
      .description('an internal note on a ticket (an inbound call, a finding); never sent to the client')
      .argument('<key>', 'ticket key')
      .requiredOption('-m, --message <text>', 'the note'),
  ).action(work((key: string, opts: WorkOpts & { message: string }) => (ctx, actor) => note(ctx, actor, 'cli', { target: { key }, text: opts.message })));
}
