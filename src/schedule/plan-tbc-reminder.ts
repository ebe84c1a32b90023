import { brandOf } from '../templates/load.js';
import type { Db } from '../store/db.js';
import { tbcTickets } from '../store/read-schedule.js';
import { checks, lineOf, type Plan, type PlanContext } from './plan.js';

/**
 * 15:30: to each checker with tbc tickets waiting, oldest first, with worker and since when.
 * A client-opened ticket's checker is management: every lead and manager is reminded of it
 * (any of them may check it; the sweep shows what none did).
 */
export function planTbcReminder(db: Db, ctx: PlanContext): Plan {
  const { config, at } = ctx;
  const brand = brandOf(config);
  const tbc = tbcTickets(db);
  const mails = config.staff.filter((s) => ctx.wanted(s.id)).map((s) => {
    const tickets = tbc.filter((t) => checks(s, t)).map((t) => lineOf(config, t, at));
    return {
      recipient: s,
      tickets: tickets.length,
      mail: tickets.length ? { kind: 'tbc_reminder' as const, data: { brand, staffName: s.name, day: ctx.day, count: tickets.length, tickets } } : null,
    };
  });
  return { mails, ticketEvents: [] };
}
