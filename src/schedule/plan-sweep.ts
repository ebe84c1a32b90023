import type { Config, Staff } from '../config/schema.js';
import { brandOf } from '../templates/load.js';
import type { Db } from '../store/db.js';
import { tbcTickets } from '../store/read-schedule.js';
import { lineOf, nameOf, type Plan, type PlanContext } from './plan.js';

/** schedule.sweep_to, else every manager, else (a team without managers) every lead. */
export function sweepRecipients(config: Readonly<Config>): Staff[] {
  const to = config.schedule.sweep_to;
  if (to) return config.staff.filter((s) => to.includes(s.id));
  const managers = config.staff.filter((s) => s.role === 'manager');
  return managers.length ? managers : config.staff.filter((s) => s.role === 'lead');
}

/**
 * 17:00: every ticket still in tbc, grouped by checker (groups in order of their oldest
 * ticket), to the sweep's recipients; each swept ticket gets a left_in_tbc event.
 */
export function planSweep(db: Db, ctx: PlanContext): Plan {
  const { config, at } = ctx;
  const brand = brandOf(config);
  const tbc = tbcTickets(db);
  const byChecker = new Map<string, typeof tbc>();
  for (const t of tbc) byChecker.set(t.checker, [...(byChecker.get(t.checker) ?? []), t]);
  const groups = [...byChecker].map(([checker, ts]) => ({
    checker: nameOf(config, checker) ?? checker,
    count: ts.length,
    tickets: ts.map((t) => lineOf(config, t, at)),
  }));
  const mails = sweepRecipients(config)
    .filter((s) => ctx.wanted(s.id))
    .map((s) => ({
      recipient: s,
      tickets: tbc.length,
      mail: tbc.length ? { kind: 'sweep' as const, data: { brand, staffName: s.name, day: ctx.day, count: tbc.length, groups } } : null,
    }));
  const ticketEvents = tbc.map((t) => ({ ticketId: t.id, data: { checker: t.checker, worker: t.worker, tbc_since: t.tbcSince } }));
  return { mails, ticketEvents };
}
