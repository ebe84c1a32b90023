import os from 'node:os';
import type { Config } from '../config/schema.js';
import { TicketdError } from '../errors.js';
import type { Actor } from '../tickets/status.js';

// Who acts on the CLI: --as, else $TICKETD_AS, else the OS login matched against staff[].login.
// This is a convenience, not authentication: anyone who can write the database can act as
// anyone, so the database file's permissions are the boundary (README, "Identity").

/** The OS login name, or null where the platform has none (a uid without a passwd entry). */
function osLogin(): string | null {
  try {
    return os.userInfo().username || null;
  } catch {
    return null;
  }
}

export function actorFrom(config: Config, opts: { as?: string }, env: NodeJS.ProcessEnv = process.env, login: () => string | null = osLogin): Actor {
  const given = opts.as?.trim() ? { id: opts.as.trim(), from: '--as' } : env.TICKETD_AS?.trim() ? { id: env.TICKETD_AS.trim(), from: 'TICKETD_AS' } : null;
  if (given) {
    const staff = config.staff.find((s) => s.id === given.id);
    if (!staff) {
      const known = config.staff.map((s) => s.id).join(', ');
      throw new TicketdError('USAGE', `${given.from} names unknown staff id "${given.id}" (staff: ${known})`);
    }
    return { kind: 'staff', id: staff.id, role: staff.role };
  }
  const name = login();
  const staff = name ? config.staff.find((s) => s.login === name) : undefined;
  if (!staff) throw new TicketdError('USAGE', 'who is acting? pass --as ID (or set TICKETD_AS)');
  return { kind: 'staff', id: staff.id, role: staff.role };
}

/** The commander option every command that needs an actor takes. */
export const asOption = ['--as <staff-id>', 'act as this staff id (default $TICKETD_AS, then your OS login via staff[].login)'] as const;
