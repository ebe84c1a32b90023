import type { Config } from '../config/schema.js';
import { TicketdError } from '../errors.js';
import { nextRun } from '../schedule/clock.js';
import { isJobName, JOB_NAMES, JOBS, jobTime } from '../schedule/jobs.js';
import { runJob, type JobOutcome } from '../schedule/run-job.js';
import { openDb } from '../store/db.js';
import { lastClaims, type ClaimRow } from '../store/schedule-claims.js';
import { openDbReadOnly } from '../store/read-only.js';
import { loadTemplates } from '../templates/load.js';

// `ticketd schedule` and `ticketd schedule run`: the same runJob the daemon's tick uses.

export interface JobStatus {
  name: string;
  /** HH:MM local, or null when switched off. */
  time: string | null;
  to: string;
  what: string;
  /** ISO instant of the next run, or null (off, or no business day ahead). */
  nextRun: string | null;
  lastClaims: ClaimRow[];
}

export function scheduleStatus(config: Config, now = new Date()): { timezone: string; jobs: JobStatus[] } {
  const db = openDbReadOnly(config.database);
  try {
    return {
      timezone: config.timezone,
      jobs: JOBS.map((job) => {
        const time = jobTime(config, job);
        const next = time ? nextRun(time, now, config) : null;
        return { name: job.name, time, to: job.to, what: job.what, nextRun: next?.toISOString() ?? null, lastClaims: db ? lastClaims(db, job.name) : [] };
      }),
    };
  } finally {
    db?.close();
  }
}

export function runScheduledJob(config: Config, name: string, opts: { at: Date; dryRun: boolean }): JobOutcome {
  if (!isJobName(name)) throw new TicketdError('USAGE', `no job "${name}" (jobs: ${JOB_NAMES.join(', ')})`);
  const job = JOBS.find((j) => j.name === name)!;
  const templates = loadTemplates(config);
  const db = openDb(config.database);
  try {
    return runJob(db, config, templates, job, opts);
  } finally {
    db.close();
  }
}
