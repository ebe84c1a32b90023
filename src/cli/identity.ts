import type { Config } from '../config/schema.js';
import { TicketdError } from '../errors.js';
import type { Actor } from '../tickets/status.js';

export const asOption = ['--as <staff-id>', 'who is acting (default $TICKETD_AS)'] as const;

/**
 * The staff member a command acts as: --as, else $TICKETD_AS. Anyone who can write the
 * database can act as anyone (README, "Working tickets"): file permissions are the boundary,
 * this only says who it is. A usage error (exit 2) when nobody or an unknown id.
 */
export function actorFrom(config: Config, opts: { as?: string }): Actor {
  const id = (opts.as ?? process.env.TICKETD_AS ?? '').trim();
  if (!id) throw new TicketdError('USAGE', 'who is acting? pass --as');
  const member = config.staff.find((s) => s.id === id);
  if (!member) throw new TicketdError('USAGE', `no staff member "${id}" in the config (--as / TICKETD_AS)`);
  return { kind: 'staff', id: member.id, role: member.role };
}
