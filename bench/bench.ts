import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { liveChildren, runPhase, spawnPhase, stopChild, type ChildMessage } from './child.js';
import { parseConfig } from '../src/config/load.js';
import { benchConfigData, SUPPORT_ADDRESS } from './config.js';
import { startDovecot, stopDovecot, type BenchDovecot } from './dovecot.js';
import { DEFAULT_SEED } from './generate.js';
import type { AppendArgs } from './phases/append.js';
import type { IngestResult } from './phases/ingest.js';
import type { ReadsArgs, ReadsResult } from './phases/reads.js';
import type { ScheduleArgs } from './phases/schedule.js';
import type { SendArgs } from './phases/nodemailer-send.js';
import type { MailboxSummary, Timed } from './types.js';
import { printReport, type Report } from './report.js';
import { storeFacts } from './store-facts.js';
import { summarizeDir } from './profile-summary.js';

// npm run bench [-- --count N] [--seed S] [--repeat R] [--keep] [--cpu-prof] [--parse-workers N] [--window W] [--batch B]
//   [--tickets N] [--only reads]   (--only reads: just the read commands on a generated store, no Dovecot)
//   [--only schedule]   (the scheduler's jobs on such a store with 50 staff)
// Figures only; nothing here passes or fails. Every phase runs in its own child process.

const { values: flags } = parseArgs({
  options: {
    count: { type: 'string', default: process.env.BENCH_COUNT ?? '2000' },
    seed: { type: 'string', default: process.env.BENCH_SEED ?? String(DEFAULT_SEED) },
    window: { type: 'string', default: '8' },
    batch: { type: 'string', default: '100' },
    keep: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    // Override the config's parse_workers (0 = parse on the main thread) to compare.
    'parse-workers': { type: 'string' },
    // Run each measured pair (baseline + ingest, nodemailer + drain) this many times, back to
    // back, over the one appended mailbox. Three by default: on a 2-core machine one round's
    // ingest ratio varied by about 10% between runs of the same code; the best of three less.
    repeat: { type: 'string', default: process.env.BENCH_REPEAT ?? '3' },
    // The read commands' store: this many tickets, generated straight into SQLite.
    tickets: { type: 'string', default: process.env.BENCH_TICKETS ?? '100000' },
    only: { type: 'string' },
  },
});

const count = Number(flags.count);
const seed = Number(flags.seed);
const batch = Number(flags.batch);
const repeat = Number(flags.repeat);
const positive = (n: number): boolean => Number.isInteger(n) && n >= 1;
const tickets = Number(flags.tickets);
if (!positive(count) || !Number.isInteger(seed) || !positive(batch) || !positive(repeat) || !positive(tickets) || (flags.only !== undefined && flags.only !== 'reads' && flags.only !== 'schedule')) {
  process.stderr.write('usage: bench [--count N] [--seed S] [--repeat R] [--window W] [--batch B] [--parse-workers N] [--tickets N] [--only reads|schedule] [--keep] [--cpu-prof]\n');
  process.exit(2);
}

// Logs, stores and profiles; Dovecot keeps its own files in a directory of its own (dovecot.ts).
const work = mkdtempSync(path.join(os.tmpdir(), 'tkb-'));
const logs = path.join(work, 'logs');
mkdirSync(logs);
const log = (phase: string): string => path.join(logs, `${phase}.log`);
const say = (line: string): void => void process.stdout.write(`${line}\n`);
const profRoot = path.join(work, 'prof');
/** With --cpu-prof: node flags that profile a phase into work/prof/PHASE (every thread). */
const prof = (phase: string): string[] => (flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profRoot, phase)}`] : []);
/** Phase names carry the round when there are several. */
const round = (phase: string, i: number): string => (repeat > 1 ? `${phase}-${i}` : phase);

let dovecot: BenchDovecot | null = null;
let keep = flags.keep;

function cleanup(): void {
  for (const child of liveChildren) child.kill('SIGTERM');
  if (dovecot) {
    stopDovecot(dovecot);
    if (!keep) rmSync(dovecot.dir, { recursive: true, force: true });
  }
  dovecot = null;
  if (!keep) rmSync(work, { recursive: true, force: true });
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    process.stderr.write(`\nbench: ${sig}, stopping children and Dovecot\n`);
    keep = true;
    cleanup();
    process.stderr.write(`bench: logs kept in ${logs}\n`);
    process.exit(130);
  });
}

async function main(): Promise<Report> {
  const report: Report = { count, seed, notes: [], loadBefore: os.loadavg(), baseline: [], ingest: [], nodemailer: [], drain: [] };
  say(`bench: ${count} mails, seed ${seed}, work dir ${work}`);
  dovecot = startDovecot();
  const imap = { port: dovecot.imapPort, user: 'bench', password: dovecot.password };
  say(`bench: Dovecot pid ${dovecot.pid} on 127.0.0.1:${dovecot.imapPort}, files in ${dovecot.dir}`);

  const append = await runPhase<Timed & { summary: MailboxSummary; generateSeconds: number }>(
    'append',
    { imap, count, seed, supportAddress: SUPPORT_ADDRESS, window: Number(flags.window) } satisfies AppendArgs,
    log('append'),
  );
  report.append = { ...append.value, cpuSeconds: append.cpuSeconds };
  say(`append: ${fmtRate(append.value)} (${mb(append.value.summary.bytes)} MB; generated in ${append.value.generateSeconds.toFixed(1)} s)`);

  const fetchOnly = await runPhase<Timed & { bytes: number }>('fetch-only', { imap, batch }, log('fetch-only'));
  report.fetchOnly = { ...fetchOnly.value, maxRss: fetchOnly.maxRss, cpuSeconds: fetchOnly.cpuSeconds };
  say(`fetch only: ${fmtRate(fetchOnly.value)}`);

  const ingestConfig = (i: number) => {
    const dir = path.join(work, `ticketd-${i}`);
    const data = benchConfigData({
      database: path.join(dir, 'ticketd.sqlite'),
      dataDir: path.join(dir, 'data'),
      imapPort: imap.port,
      user: imap.user,
      password: imap.password,
    });
    if (flags['parse-workers'] !== undefined) data.parse_workers = Number(flags['parse-workers']);
    return data;
  };
  report.parseWorkers = parseConfig(ingestConfig(1), work, {}).parse_workers;
  let database: string | null = null;
  for (let i = 1; i <= repeat; i++) {
    // Baseline first, then ticketd: each reads the mailbox afresh (by UID; \Seen changes nothing).
    const baseline = await runPhase<Timed & { attachments: number }>('baseline', { imap, batch }, log(round('baseline', i)), prof(round('baseline', i)));
    report.baseline.push({ ...baseline.value, maxRss: baseline.maxRss, cpuSeconds: baseline.cpuSeconds });
    say(`baseline fetch+simpleParser: ${fmtRate(baseline.value)}, peak RSS ${mb(baseline.maxRss)} MB`);

    const configData = ingestConfig(i);
    try {
      const ingest = await runPhase<IngestResult>('ingest', { configData, baseDir: work }, log(round('ingest', i)), prof(round('ingest', i)));
      database = String(configData.database);
      const facts = storeFacts(database);
      report.ingest.push({ count: facts.journal, seconds: ingest.value.seconds, maxRss: ingest.maxRss, cpuSeconds: ingest.cpuSeconds, facts });
      say(`ticketd ingest: ${fmtRate(report.ingest.at(-1)!)}, peak RSS ${mb(ingest.maxRss)} MB`);
    } catch (err) {
      report.notes.push(`ticketd ingest not measured: ${firstLine(err)}`);
      say(`ticketd ingest: not measured (${firstLine(err)})`);
      break;
    }
  }

  // Both senders send what the ingest pass enqueued; without it there is nothing to compare.
  const facts = report.ingest.at(-1)?.facts;
  if (database && facts && Object.values(facts.outboxByKind).some((n) => n > 0)) await delivery(report, database);
  else report.notes.push('delivery not measured: the ingest pass left no mail in the outbox');
  await reads(report);
  await schedule(report);
  return report;
}

/** list, today and client on a generated store of --tickets tickets; each median under 100 ms is the target. */
async function reads(report: Report): Promise<void> {
  const dir = path.join(work, 'reads');
  const configData = benchConfigData({ database: path.join(dir, 'ticketd.sqlite'), dataDir: path.join(dir, 'data'), imapPort: 1, user: 'bench', password: 'x' });
  try {
    const r = await runPhase<ReadsResult>('reads', { configData, baseDir: work, tickets, seed, runs: 7 } satisfies ReadsArgs, log('reads'), prof('reads'));
    say(`reads: ${r.value.tickets} tickets (${r.value.openTickets} not closed), ${r.value.messages} messages, generated in ${r.value.generateSeconds.toFixed(1)} s; median of 7 runs, target < 100 ms`);
    for (const t of r.value.timings) {
      say(`  ${t.name.padEnd(52)} ${t.medianMs.toFixed(1).padStart(7)} ms  ${t.medianMs < 100 ? 'ok ' : 'OVER'}  (${t.rows} rows; runs ${t.ms.map((x) => x.toFixed(0)).join(' ')})`);
    }
    say('  query plans:');
    for (const [name, lines] of Object.entries(r.value.plans)) say(`    ${name.padEnd(20)} ${lines.join(' | ')}`);
    report.reads = r.value.timings.map((t) => ({ name: t.name, medianMs: t.medianMs }));
  } catch (err) {
    report.notes.push(`reads not measured: ${firstLine(err)}`);
    say(`reads: not measured (${firstLine(err)})`);
  }
}

async function schedule(report: Report): Promise<void> {
  const dir = path.join(work, 'schedule');
  const configData = benchConfigData({ database: path.join(dir, 'ticketd.sqlite'), dataDir: path.join(dir, 'data'), imapPort: 1, user: 'bench', password: 'x' });
  try {
    type Result = { tickets: number; staff: number; tbc: number; timings: { job: string; ms: number; mails: number; tickets: number }[] };
    const r = await runPhase<Result>('schedule', { configData, baseDir: work, tickets, seed, staff: 50 } satisfies ScheduleArgs, log('schedule'), prof('schedule'));
    say(`schedule: ${r.value.tickets} tickets (${r.value.tbc} tbc), ${r.value.staff} staff; one run each, target < 1000 ms`);
    for (const t of r.value.timings) say(`  ${t.job.padEnd(14)} ${t.ms.toFixed(0).padStart(6)} ms  ${t.ms < 1000 ? 'ok ' : 'OVER'}  (${t.mails} mails, ${t.tickets} ticket lines)`);
    report.notes.push(...r.value.timings.map((t) => `schedule ${t.job}: ${t.ms.toFixed(0)} ms, ${t.mails} mails`));
  } catch (err) {
    report.notes.push(`schedule not measured: ${firstLine(err)}`);
    say(`schedule: not measured (${firstLine(err)})`);
  }
}

async function delivery(report: Report, database: string): Promise<void> {
  const sink = spawnPhase('smtp-sink', log('smtp-sink'));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      sink.once('message', (m: ChildMessage) => ('ready' in m ? resolve(m.port) : reject(new Error('smtp sink did not start'))));
      sink.once('exit', () => reject(new Error('smtp sink exited')));
      sink.send({ args: {} });
    });
    // The drain never opens the mailbox; the config only needs to be valid.
    const drainConfig = (db: string) =>
      benchConfigData({ database: db, dataDir: path.join(path.dirname(db), 'data'), imapPort: 1, user: 'bench', password: 'x', smtpPort: port });
    const smtp = parseConfig(drainConfig(database), work, {}).smtp!;

    for (let i = 1; i <= repeat; i++) {
      const send = await runPhase<Timed & { failed: number }>(
        'nodemailer-send',
        { smtpPort: port, from: smtp.from, poolSize: smtp.pool_size, database } satisfies SendArgs,
        log(round('nodemailer-send', i)),
        prof(round('nodemailer-send', i)),
      );
      report.nodemailer.push({ ...send.value, maxRss: send.maxRss, cpuSeconds: send.cpuSeconds });
      say(`nodemailer pooled send, pool ${smtp.pool_size}: ${fmtRate(send.value)}${send.value.failed ? `, ${send.value.failed} failed` : ''}`);

      // Each drain gets its own copy of the store, every row still pending.
      const copy = path.join(path.dirname(database), `drain-${i}.sqlite`);
      copyFileSync(database, copy);
      if (existsSync(`${database}-wal`)) copyFileSync(`${database}-wal`, `${copy}-wal`);
      try {
        const drain = await runPhase<Timed & { pendingBefore: number; sent: number; retried: number; failed: number }>(
          'drain',
          { configData: drainConfig(copy), baseDir: work },
          log(round('drain', i)),
          prof(round('drain', i)),
        );
        report.drain.push({ ...drain.value, maxRss: drain.maxRss, cpuSeconds: drain.cpuSeconds });
        say(`ticketd drainOutbox: ${fmtRate(drain.value)} (pending before ${drain.value.pendingBefore}, retried ${drain.value.retried}, failed ${drain.value.failed})`);
      } catch (err) {
        report.notes.push(`ticketd delivery not measured: ${firstLine(err)}`);
        say(`ticketd drainOutbox: not measured (${firstLine(err)})`);
        break;
      }
    }

    const result = await new Promise<ChildMessage>((resolve, reject) => {
      sink.once('message', (m: ChildMessage) => resolve(m));
      sink.once('exit', () => reject(new Error('smtp sink exited before reporting')));
      sink.send({ stop: true });
    });
    if ('ok' in result && result.ok) report.sinkReceived = (result.value as { received: number }).received;
  } finally {
    await stopChild(sink, 1000);
  }
}

const fmtRate = (t: Timed): string => `${t.count} msgs in ${t.seconds.toFixed(2)} s = ${(t.count / t.seconds).toFixed(0)} msgs/s`;
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);
const firstLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;

const start: Promise<Report> =
  flags.only === 'schedule'
    ? (async () => {
        const report: Report = { count: 0, seed, notes: [], loadBefore: os.loadavg(), baseline: [], ingest: [], nodemailer: [], drain: [] };
        say(`bench: scheduler only, ${tickets} tickets, seed ${seed}, work dir ${work}`);
        await schedule(report);
        return report;
      })()
    : flags.only === 'reads'
    ? (async () => {
        const report: Report = { count: 0, seed, notes: [], loadBefore: os.loadavg(), baseline: [], ingest: [], nodemailer: [], drain: [] };
        say(`bench: read commands only, ${tickets} tickets, seed ${seed}, work dir ${work}`);
        await reads(report);
        return report;
      })()
    : main();

start
  .then((report) => {
    if (flags.only === undefined) printReport(report);
    if (flags['cpu-prof'] && existsSync(profRoot)) {
      keep = true;
      for (const phase of readdirSync(profRoot).sort()) say(`\n-- CPU profile: ${phase}\n${summarizeDir(path.join(profRoot, phase))}`);
    }
    if (keep) say(`\nwork dir kept: ${work}`);
  })
  .catch((err: unknown) => {
    keep = true;
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\nlogs kept in ${logs}\n`);
    process.exitCode = 1;
  })
  .finally(cleanup);
