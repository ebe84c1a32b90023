import type { Config } from '../config/schema.js';
import type { Done, Result, ServiceContext } from '../service/tickets.js';
import { withTicketService } from '../service/work.js';
import type { Actor } from '../tickets/status.js';
import { action, configFrom, configOption, jsonOption, print, printJson, type Command } from './common.js';
import { actorFrom, asOption } from './identity.js';

// What every command that changes a ticket shares: --config, --as, --json; the actor; one
// service call in one transaction; exit 0 done, 1 refused (the rules' sentence as is).

export interface WorkOpts {
  config?: string;
  as?: string;
  json?: boolean;
}

export const workOptions = (cmd: Command): Command => cmd.option(...configOption).option(...asOption).option(...jsonOption);

export type WorkFn = (ctx: ServiceContext, actor: Actor, config: Config) => Result;

/** The action of a ticket-changing command: `fn` gets its arguments and returns the service's result. */
export function work<F extends (...args: never[]) => WorkFn>(fn: F) {
  return action((...args: unknown[]) => {
    const opts = args.at(-2) as WorkOpts; // commander passes (...arguments, options, command)
    const config = configFrom(opts);
    const actor = actorFrom(config, opts);
    const call = fn(...(args.slice(0, -1) as Parameters<F>));
    const result = withTicketService(config, (ctx) => call(ctx, actor, config));
    report(result, opts);
  });
}

export function report(result: Result, opts: WorkOpts): void {
  if (opts.json) printJson(result);
  if (!result.ok) {
    if (!opts.json) process.stderr.write(`ticketd: refused: ${result.sentence}\n`);
    process.exitCode = 1;
    return;
  }
  if (!opts.json) print(`${line(result)}\n`);
}

function line({ ticket: t, override }: Done): string {
  const who = t.assignee ?? 'triage queue';
  return `${t.key} ${t.status} (${who})${override ? " — a manager's override, recorded" : ''}`;
}
