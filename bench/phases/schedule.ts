import { parseConfig } from '../../src/config/load.js';
import { nextRun } from '../../src/schedule/clock.js';
import { JOBS, jobTime } from '../../src/schedule/jobs.js';
import { runJob } from '../../src/schedule/run-job.js';
import { openDb } from '../../src/store/db.js';
import { loadTemplates } from '../../src/templates/load.js';
import { createRng } from '../prng.js';
import { generate } from './reads.js';

// The scheduler's jobs on a big store: the reads phase's 100,000 tickets, 50 staff (the
// config's plus generated agents), each job run once for real (claims and outbox rows in
// one transaction), as the daemon's tick would at the job's time. Target: each under 1 s.

export interface ScheduleArgs {
  configData: Record<string, unknown>;
  baseDir: string;
  tickets: number;
  seed: number;
  staff: number;
}

export interface ScheduleTiming {
  job: string;
  ms: number;
  mails: number;
  /** Lines across its mails (tickets listed). */
  tickets: number;
}

export async function run(args: ScheduleArgs): Promise<{ tickets: number; staff: number; tbc: number; timings: ScheduleTiming[] }> {
  const data = args.configData as { staff: { id: string }[] };
  const extra = Array.from({ length: Math.max(0, args.staff - data.staff.length) }, (_, i) => ({
    id: `agent${i}`,
    name: `Agent ${i}`,
    email: `agent${i}@example.com`,
    role: 'agent',
  }));
  const config = parseConfig({ ...args.configData, staff: [...data.staff, ...extra] }, args.baseDir, {});
  generate(config, args.tickets, createRng(args.seed));
  const templates = loadTemplates(config);
  const db = openDb(config.database);
  try {
    const timings: ScheduleTiming[] = [];
    for (const job of JOBS) {
      const time = jobTime(config, job) ?? job.defaultTime;
      const at = nextRun(time, new Date(), { ...config, holidays: [] })!;
      const s = performance.now();
      const r = runJob(db, config, templates, job, { at });
      const ms = performance.now() - s;
      const sent = 'sent' in r ? r.sent : [];
      timings.push({ job: job.name, ms, mails: sent.length, tickets: sent.reduce((n, m) => n + m.tickets, 0) });
    }
    const tbc = (db.prepare(`SELECT COUNT(*) AS n FROM tickets WHERE status = 'tbc'`).get() as { n: number }).n;
    return { tickets: args.tickets, staff: config.staff.length, tbc, timings };
  } finally {
    db.close();
  }
}
