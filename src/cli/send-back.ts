import { sendBack } from '../service/tickets.js';
import type { Command } from './common.js';
import { work, workOptions, type WorkOpts } from './work.js';

export function registerSendBack(program: Command): void {
  workOptions(
    program
      .command('send-back')
      .description('send to-be-checked work back to its worker (the checker); logged as rework, the worker is told why')
      .argument('<key>', 'ticket key')
      .requiredOption('--reason <text>', 'what is not done properly'),
  ).action(work((key: string, opts: WorkOpts & { reason: string }) => (ctx, actor) => sendBack(ctx, actor, 'cli', { target: { key }, reason: opts.reason })));
}
