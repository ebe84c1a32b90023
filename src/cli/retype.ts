import { retype, setPriority } from '../service/tickets.js';
import type { Command } from './common.js';
import { work, workOptions } from './work.js';

// `retype KEY TYPE` and `priority KEY P`: the key stays, an event records the old and new value.

export function registerRetype(program: Command): void {
  workOptions(program.command('retype').description('change the request type (the key stays)').argument('<key>', 'ticket key').argument('<type-id>', 'request type id')).action(
    work((key: string, typeId: string) => (ctx, actor) => retype(ctx, actor, 'cli', { target: { key }, typeId })),
  );
  workOptions(program.command('priority').description('change the priority: low, normal, high, urgent').argument('<key>', 'ticket key').argument('<priority>', 'low|normal|high|urgent')).action(
    work((key: string, priority: string) => (ctx, actor) => setPriority(ctx, actor, 'cli', { target: { key }, priority })),
  );
}
