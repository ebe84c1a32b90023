import { TicketdError } from '../errors.js';
import { assign } from '../service/tickets.js';
import type { Command } from './common.js';
import { work, workOptions, type WorkOpts } from './work.js';

interface AssignOpts extends WorkOpts {
  triage?: boolean;
  reason?: string;
}

export function registerAssign(program: Command): void {
  workOptions(
    program
      .command('assign')
      .description('give a ticket to a staff member, or back to the triage queue (leads and managers); the new assignee is told')
      .argument('<key>', 'ticket key, e.g. REF-1042')
      .argument('[staff-id]', 'the new assignee')
      .option('--triage', 'back to the triage queue instead')
      .option('--reason <text>', 'why (required when reassigning)'),
  ).action(
    work((key: string, staff: string | undefined, opts: AssignOpts) => {
      if (!staff === !opts.triage) throw new TicketdError('USAGE', 'give a staff id or --triage (one of them)');
      return (ctx, actor) => assign(ctx, actor, 'cli', { target: { key }, to: staff ?? null, reason: opts.reason });
    }),
  );
}
