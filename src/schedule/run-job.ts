import type { Config } from '../config/schema.js';
import { enqueueScheduled } from '../outbox/enqueue.js';
import type { Db } from '../store/db.js';
import { eventStore } from '../store/events.js';
import { claimedRecipients, setClaimOutbox, takeClaim } from '../store/schedule-claims.js';
import { inTransaction } from '../store/transaction.js';
import type { RenderedMail } from '../templates/mail-data.js';
import type { Templates } from '../templates/load.js';
import { dayOff, localTime, minutesOf } from './clock.js';
import { JOBS, jobTime, type Job } from './jobs.js';
import { dayWords, type Plan } from './plan.js';

// Running a job for one local day: the database decides. Claims and the outbox rows they
// cause commit in one transaction, so a crash leaves either both or neither; a second run
// (another daemon, a restart, the CLI) finds the claims and writes nothing.

/** The claim of a job's day-wide writes (the sweep's events), beside the per-person claims. */
export const DAY_CLAIM = '*';

export interface RunOptions {
  /** The moment the job runs as if it were; its local date is the day claimed. */
  at: Date;
  /** Print, claim nothing. */
  dryRun?: boolean;
  /** The daemon's tick: only once the job's local time has passed today. */
  dueOnly?: boolean;
}

export interface SentMail {
  recipient: string;
  to: string;
  tickets: number;
  outboxId: number | null;
  messageId: string;
  /** Only with dryRun: the mail as it would go. */
  mail?: RenderedMail;
}

export type JobOutcome =
  | { job: string; localDate: string; skipped: string }
  | {
      job: string;
      localDate: string;
      /** Mails written (or, with dryRun, that would be). */
      sent: SentMail[];
      /** Claimed for the day with nothing to send. */
      empty: string[];
      /** Already claimed today before this run: nothing written for them. */
      alreadyClaimed: string[];
      /** Ticket events written (the sweep's left_in_tbc). */
      events: number;
      dryRun: boolean;
    };

/** The Message-ID of a claim's mail: the same claim can only ever name the same mail. */
export const scheduledMessageId = (config: Readonly<Config>, job: string, localDate: string, recipient: string): string =>
  `schedule.${job}.${localDate}.${recipient}@${config.support_address.toLowerCase().split('@')[1]}`;

export function runJob(db: Db, config: Readonly<Config>, templates: Templates, job: Job, opts: RunOptions): JobOutcome {
  const { at } = opts;
  const local = localTime(at, config.timezone);
  const base = { job: job.name, localDate: local.date };
  const time = jobTime(config, job);
  if (!time) return { ...base, skipped: `switched off (schedule.${job.name}: false)` };
  const off = dayOff(local, config);
  if (off) return { ...base, skipped: off };
  if (opts.dueOnly && local.minutes < minutesOf(time)) return { ...base, skipped: `not yet: runs at ${time}` };

  const recipients = job.recipients(config).map((s) => s.id);
  const decide = (claimed: Set<string>) => {
    const plan: Plan | null =
      recipients.some((r) => !claimed.has(r)) || (job.ticketEvent && !claimed.has(DAY_CLAIM))
        ? job.plan(db, { config, at, day: dayWords(at, config.timezone), wanted: (id) => !claimed.has(id) })
        : null;
    return plan;
  };
  const messageId = (recipient: string) => scheduledMessageId(config, job.name, local.date, recipient);

  if (opts.dryRun) {
    const claimed = claimedRecipients(db, job.name, local.date);
    const plan = decide(claimed);
    const mails = plan?.mails ?? [];
    return {
      ...base,
      dryRun: true,
      sent: mails.flatMap((p) =>
        p.mail
          ? [{ recipient: p.recipient.id, to: p.recipient.email, tickets: p.tickets, outboxId: null, messageId: messageId(p.recipient.id), mail: templates.render(p.mail.kind, p.mail.data as never) }]
          : [],
      ),
      empty: mails.filter((p) => !p.mail).map((p) => p.recipient.id),
      alreadyClaimed: recipients.filter((r) => claimed.has(r)),
      events: 0,
    };
  }

  // Claims are read again inside the write transaction: whoever commits first wins, the other
  // sees every claim taken and writes nothing.
  return inTransaction(db, () => {
    const claimed = claimedRecipients(db, job.name, local.date);
    const plan = decide(claimed);
    // As of the run's moment (a catch-up tick's or --at's), never in the future: delivery waits for created_at.
    const claimedAt = new Date(Math.min(at.getTime(), Date.now())).toISOString();
    const sent: SentMail[] = [];
    const empty: string[] = [];
    for (const p of plan?.mails ?? []) {
      const c = { job: job.name, recipient: p.recipient.id, localDate: local.date };
      if (!takeClaim(db, { ...c, claimedAt, tickets: p.tickets })) continue;
      if (!p.mail) {
        empty.push(p.recipient.id);
        continue;
      }
      const id = messageId(p.recipient.id);
      const outboxId = enqueueScheduled(db, config, templates, { kind: p.mail.kind, to: p.recipient.email, data: p.mail.data as never, messageId: id, createdAt: claimedAt });
      if (outboxId !== null) setClaimOutbox(db, c, outboxId);
      sent.push({ recipient: p.recipient.id, to: p.recipient.email, tickets: p.tickets, outboxId, messageId: id });
      // Crash tests: die mid-transaction, after a claim and its first outbox row.
      if (process.env.TICKETD_TEST_KILL_IN_SCHEDULE === '1') process.kill(process.pid, 'SIGKILL');
    }
    let events = 0;
    if (plan && job.ticketEvent && takeClaim(db, { job: job.name, recipient: DAY_CLAIM, localDate: local.date, claimedAt, tickets: plan.ticketEvents.length })) {
      const store = eventStore(db);
      for (const e of plan.ticketEvents) store.add({ ticketId: e.ticketId, actor: 'system', via: 'cron', kind: job.ticketEvent, data: { ...e.data, local_date: local.date }, at: claimedAt });
      events = plan.ticketEvents.length;
    }
    return { ...base, dryRun: false, sent, empty, alreadyClaimed: recipients.filter((r) => claimed.has(r)), events };
  });
}

/** The daemon's tick: every job whose local time has passed today and is not yet claimed. */
export function runDueJobs(db: Db, config: Readonly<Config>, templates: Templates, at: Date): JobOutcome[] {
  return JOBS.map((job) => runJob(db, config, templates, job, { at, dueOnly: true }));
}
