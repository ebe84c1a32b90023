import type { Config } from '../config/schema.js';
import { runDueJobs } from '../schedule/run-job.js';
import { loadTemplates, type Templates } from '../templates/load.js';
import type { DaemonContext, DaemonPart } from './daemon-part.js';

/**
 * The scheduler in the daemon. node-cron only wakes it each minute (and once at start, which
 * is the catch-up: a job whose time passed today while the daemon was down); the claims in
 * the database decide what is sent, so a second daemon or a restart never sends twice.
 */
export function schedulePart(config: Config, opts: { now?: () => Date } = {}): DaemonPart {
  const now = opts.now ?? (() => new Date());
  // Compiled when the loop starts, not at construction: `run --once` (no scheduler) pays
  // nothing for it. The outbox part has already checked the same templates by then.
  let templates: Templates | null = null;
  const tick = (ctx: DaemonContext) => {
    templates ??= loadTemplates(config);
    const log = ctx.log.child({ component: 'schedule' });
    try {
      for (const r of runDueJobs(ctx.db, ctx.config, templates, now()))
        if ('sent' in r && (r.sent.length || r.empty.length || r.events)) log.info({ job: r.job, day: r.localDate, mails: r.sent.length, empty: r.empty.length, events: r.events }, 'scheduled job ran');
    } catch (err) {
      // A failed run committed nothing (one transaction): the next minute tries again.
      log.error({ err }, 'scheduled jobs failed; retrying next minute');
    }
  };
  return {
    name: 'schedule',
    // No `once`: `run --once` reads mail and drains the outbox only; from a system cron, run
    // `ticketd schedule run JOB` instead (the same claims).
    async run(ctx) {
      tick(ctx);
      // Loaded here for the same reason: node-cron is only needed by the long-running daemon.
      const { default: cron } = await import('node-cron');
      const task = cron.schedule('* * * * *', () => tick(ctx), { name: 'ticketd-schedule', noOverlap: true });
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) resolve();
        else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await task.destroy();
    },
  };
}
