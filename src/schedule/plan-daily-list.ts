import { brandOf } from '../templates/load.js';
import type { Db } from '../store/db.js';
import { tbcTickets } from '../store/read-schedule.js';
import { assignedTo, triageQueue } from '../store/read-work.js';
import { checks, isManagement, lineOf, type Plan, type PlanContext } from './plan.js';

/**
 * 08:00: to each staff member with work, their new/open tickets oldest first (blue marked),
 * the tbc tickets waiting for their check, and for leads and managers the triage queue.
 */
export function planDailyList(db: Db, ctx: PlanContext): Plan {
  const { config, at } = ctx;
  const brand = brandOf(config);
  const tbc = tbcTickets(db);
  const triage = triageQueue(db).map((t) => lineOf(config, t, at));
  const mails = config.staff.filter((s) => ctx.wanted(s.id)).map((s) => {
    const mine = assignedTo(db, s.id).map((t) => lineOf(config, t, at));
    const toCheck = tbc.filter((t) => checks(s, t)).map((t) => lineOf(config, t, at));
    const queue = isManagement(s) ? triage : [];
    const tickets = mine.length + toCheck.length + queue.length;
    const counts = { mine: mine.length, blue: mine.filter((l) => l.blue).length, toCheck: toCheck.length, triage: queue.length };
    return {
      recipient: s,
      tickets,
      mail: tickets ? { kind: 'daily_list' as const, data: { brand, staffName: s.name, day: ctx.day, mine, toCheck, triage: queue, counts } } : null,
    };
  });
  return { mails, ticketEvents: [] };
}
