import type { Config, Staff } from '../config/schema.js';
import type { Db } from '../store/db.js';
import type { EventKind } from '../tickets/events.js';
import type { Plan, PlanContext } from './plan.js';
import { planDailyList } from './plan-daily-list.js';
import { sweepRecipients, planSweep } from './plan-sweep.js';
import { planTbcReminder } from './plan-tbc-reminder.js';

// Every scheduled job, in one list (STYLE.md 1): printed by `ticketd schedule`, woken by the
// daemon each minute, run by `ticketd schedule run`. A job's time is config schedule.<name>.

export const JOB_NAMES = ['daily_list', 'tbc_reminder', 'sweep'] as const;
export type JobName = (typeof JOB_NAMES)[number];

export interface Job {
  name: JobName;
  defaultTime: string;
  to: string;
  what: string;
  /** Everyone who could get this job's mail today: each gets a claim, with or without mail. */
  recipients(config: Readonly<Config>): Staff[];
  /** The event each ticket the plan names gets, once a day (guarded by the claim of recipient '*'). */
  ticketEvent?: EventKind;
  plan(db: Db, ctx: PlanContext): Plan;
}

export const JOBS: readonly Job[] = Object.freeze([
  {
    name: 'daily_list',
    defaultTime: '08:00',
    to: 'each staff member with work',
    what: 'their new/open tickets oldest first (blue marked), tbc tickets waiting for their check; leads and managers also the triage queue',
    recipients: (c) => c.staff,
    plan: planDailyList,
  },
  {
    name: 'tbc_reminder',
    defaultTime: '15:30',
    to: 'each checker with tbc tickets waiting (management: every lead and manager)',
    what: 'the tbc tickets waiting for their check, oldest first, with the worker and since when',
    recipients: (c) => c.staff,
    plan: planTbcReminder,
  },
  {
    name: 'sweep',
    defaultTime: '17:00',
    to: 'schedule.sweep_to (default: every manager)',
    what: 'every ticket still tbc with checker, worker and age, grouped by checker, counts; a left_in_tbc event on each',
    recipients: sweepRecipients,
    ticketEvent: 'left_in_tbc',
    plan: planSweep,
  },
]);

export const isJobName = (n: string): n is JobName => (JOB_NAMES as readonly string[]).includes(n);

/** The job's configured local time, or null when config switched it off. */
export const jobTime = (config: Readonly<Config>, job: Job): string | null => config.schedule[job.name] || null;
