import type { Config, Staff } from '../config/schema.js';
import { cleanSubject } from '../mail/clean-text.js';
import type { TbcTicket } from '../store/read-schedule.js';
import type { TicketRow } from '../store/read-tickets.js';
import { ago } from '../dates.js';
import type { MailData, ScheduledLine } from '../templates/mail-data.js';
import { MANAGEMENT } from '../tickets/status.js';

// What the job plans share: the mail one recipient would get (or null: nothing to say, no
// mail), and the words for a ticket line. Plans read; run-job.ts claims and writes.

export type ScheduledKind = 'daily_list' | 'tbc_reminder' | 'sweep';

export interface PlannedMail<K extends ScheduledKind = ScheduledKind> {
  kind: K;
  data: MailData[K];
}

export interface Planned {
  recipient: Staff;
  /** null: nothing to tell them today; the day is claimed all the same (with 0 tickets). */
  mail: PlannedMail | null;
  tickets: number;
}

export interface Plan {
  mails: Planned[];
  /** Events to write once for the day with the mails (the sweep's left_in_tbc). */
  ticketEvents: { ticketId: number; data: Record<string, unknown> }[];
}

export interface PlanContext {
  config: Readonly<Config>;
  at: Date;
  /** "Friday 27 November 2026" in the configured zone. */
  day: string;
  /** Only these staff ids still need planning (the others hold today's claim already). */
  wanted: (staffId: string) => boolean;
}

export const isManagement = (s: Staff): boolean => s.role === 'lead' || s.role === 'manager';

export function nameOf(config: Readonly<Config>, id: string | null): string | null {
  if (!id) return null;
  if (id === MANAGEMENT) return 'management';
  return config.staff.find((s) => s.id === id)?.name ?? id;
}

export function lineOf(config: Readonly<Config>, t: TicketRow | TbcTicket, at: Date): ScheduledLine {
  const tbc = 'tbcSince' in t && t.status === 'tbc';
  return {
    key: t.key,
    subject: cleanSubject(t.subject),
    opened: ago(t.createdAt, at),
    status: t.status,
    blue: t.clientWrote,
    assignee: nameOf(config, t.assignee),
    worker: 'worker' in t ? nameOf(config, t.worker) : null,
    done: tbc ? ago((t as TbcTicket).tbcSince, at) : null,
  };
}

/** Who checks a tbc ticket: its checker, or every lead and manager for management's. */
export const checks = (s: Staff, t: TbcTicket): boolean => t.checker === s.id || (t.checker === MANAGEMENT && isManagement(s));

export { dayWords } from '../dates.js';
