import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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
import type { SendArgs } from './phases/nodemailer-send.js';
import type { MailboxSummary, Timed } from './types.js';
import { printReport, type Report } from './report.js';
import { storeFacts } from './store-facts.js';
import { summarizeDir } from './profile-summary.js';

// npm run bench [-- --count N] [--seed S] [--keep] [--cpu-prof] [--parse-workers N] [--window W] [--batch B]
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
  },
});

const count = Number(flags.count);
const seed = Number(flags.seed);
const batch = Number(flags.batch);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed) || !Number.isInteger(batch) || batch < 1) {
  process.stderr.write('usage: bench [--count N] [--seed S] [--window W] [--batch B] [--parse-workers N] [--keep] [--cpu-prof]\n');
  process.exit(2);
}

// /tmp keeps Dovecot's socket paths short.
const work = mkdtempSync(path.join(os.tmpdir(), 'tkb-'));
// Dovecot's mail processes run as nobody when we are root and must pass through this dir.
chmodSync(work, 0o711);
const logs = path.join(work, 'logs');
mkdirSync(logs);
const log = (phase: string): string => path.join(logs, `${phase}.log`);
const say = (line: string): void => void process.stdout.write(`${line}\n`);
/** With --cpu-prof: node flags that profile a phase into work/prof/PHASE (every thread). */
const prof = (phase: string): string[] =>
  flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.join(work, 'prof', phase)}`] : [];

let dovecot: BenchDovecot | null = null;
let keep = flags.keep;

function cleanup(): void {
  for (const child of liveChildren) child.kill('SIGTERM');
  if (dovecot) stopDovecot(dovecot);
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
  const report: Report = { count, seed, notes: [], loadBefore: os.loadavg() };
  say(`bench: ${count} mails, seed ${seed}, work dir ${work}`);
  dovecot = startDovecot(path.join(work, 'dc'));
  const imap = { port: dovecot.imapPort, user: 'bench', password: dovecot.password };
  say(`bench: Dovecot pid ${dovecot.pid} on 127.0.0.1:${dovecot.imapPort}`);

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

  const baseline = await runPhase<Timed & { attachments: number }>('baseline', { imap, batch }, log('baseline'), prof('baseline'));
  report.baseline = { ...baseline.value, maxRss: baseline.maxRss, cpuSeconds: baseline.cpuSeconds };
  say(`baseline fetch+simpleParser: ${fmtRate(baseline.value)}, peak RSS ${mb(baseline.maxRss)} MB`);

  const database = path.join(work, 'ticketd', 'ticketd.sqlite');
  const dataDir = path.join(work, 'ticketd', 'data');
  const ingestConfig = benchConfigData({ database, dataDir, imapPort: imap.port, user: imap.user, password: imap.password });
  if (flags['parse-workers'] !== undefined) ingestConfig.parse_workers = Number(flags['parse-workers']);
  report.parseWorkers = parseConfig(ingestConfig, work, {}).parse_workers;
  try {
    const ingest = await runPhase<IngestResult>('ingest', { configData: ingestConfig, baseDir: work }, log('ingest'), prof('ingest'));
    const facts = storeFacts(database);
    report.ingest = { count: facts.journal, seconds: ingest.value.seconds, maxRss: ingest.maxRss, cpuSeconds: ingest.cpuSeconds, facts };
    say(`ticketd ingest: ${fmtRate(report.ingest)}, peak RSS ${mb(ingest.maxRss)} MB`);
  } catch (err) {
    report.notes.push(`ticketd ingest not measured: ${firstLine(err)}`);
    say(`ticketd ingest: not measured (${firstLine(err)})`);
  }

  // Both senders send what the ingest pass enqueued; without it there is nothing to compare.
  if (report.ingest && Object.values(report.ingest.facts.outboxByKind).some((n) => n > 0)) await delivery(report, database, work);
  else report.notes.push('delivery not measured: the ingest pass left no mail in the outbox');
  return report;
}

async function delivery(report: Report, database: string, baseDir: string): Promise<void> {
  const sink = spawnPhase('smtp-sink', log('smtp-sink'));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      sink.once('message', (m: ChildMessage) => ('ready' in m ? resolve(m.port) : reject(new Error('smtp sink did not start'))));
      sink.once('exit', () => reject(new Error('smtp sink exited')));
      sink.send({ args: {} });
    });
    // The drain never opens the mailbox; the config only needs to be valid.
    const cfg = benchConfigData({ database, dataDir: path.join(baseDir, 'ticketd', 'data'), imapPort: 1, user: 'bench', password: 'x', smtpPort: port });
    const smtp = parseConfig(cfg, baseDir, {}).smtp!;

    const send = await runPhase<Timed & { failed: number }>(
      'nodemailer-send',
      { smtpPort: port, from: smtp.from, poolSize: smtp.pool_size, database } satisfies SendArgs,
      log('nodemailer-send'),
      prof('nodemailer-send'),
    );
    report.nodemailer = { ...send.value, maxRss: send.maxRss, cpuSeconds: send.cpuSeconds };
    say(`nodemailer pooled send, pool ${smtp.pool_size}: ${fmtRate(send.value)}${send.value.failed ? `, ${send.value.failed} failed` : ''}`);

    try {
      const drain = await runPhase<Timed & { pendingBefore: number; sent: number; retried: number; failed: number }>('drain', { configData: cfg, baseDir }, log('drain'), prof('drain'));
      report.drain = { ...drain.value, maxRss: drain.maxRss, cpuSeconds: drain.cpuSeconds };
      say(`ticketd drainOutbox: ${fmtRate(drain.value)} (pending before ${drain.value.pendingBefore}, retried ${drain.value.retried}, failed ${drain.value.failed})`);
    } catch (err) {
      report.notes.push(`ticketd delivery not measured: ${firstLine(err)}`);
      say(`ticketd drainOutbox: not measured (${firstLine(err)})`);
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

main()
  .then((report) => {
    printReport(report);
    if (flags['cpu-prof']) {
      keep = true;
      for (const phase of ['baseline', 'ingest', 'nodemailer-send', 'drain']) {
        const dir = path.join(work, 'prof', phase);
        if (existsSync(dir)) say(`\n-- CPU profile: ${phase} (${dir})\n${summarizeDir(dir)}`);
      }
    }
    if (keep) say(`\nwork dir kept: ${work}`);
  })
  .catch((err: unknown) => {
    keep = true;
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\nlogs kept in ${logs}\n`);
    process.exitCode = 1;
  })
  .finally(cleanup);
