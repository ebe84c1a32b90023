import type { MailboxProbe } from '../ingest/mailbox.js';
import type { MailboxRead, OutboxHealth } from '../store/read-health.js';
import type { LockState } from './lock.js';

// `ticketd health`: the facts gathered (health.ts) judged by fixed thresholds, Nagios-style.
// Pure, so every threshold has a test without a server. README "Running in production"
// lists the same thresholds: change both together.

export type Level = 'ok' | 'warning' | 'critical';

const MIN = 60_000;
export const THRESHOLDS = {
  /** No successful read of the folder for longer than max(this, 3 polls): warning. */
  readWarnMs: 10 * MIN,
  /** ... longer than max(this, 10 polls): critical. */
  readCriticalMs: 30 * MIN,
  /** Oldest mail waiting in the outbox: warning, then critical. */
  pendingWarnMs: 15 * MIN,
  pendingCriticalMs: 2 * 60 * MIN,
  /** failed outbox or journal rows newer than this are a warning (older ones were seen). */
  failedRecentMs: 24 * 60 * MIN,
  /** Free space under data_dir. */
  diskWarnBytes: 1024 ** 3,
  diskCriticalBytes: 200 * 1024 ** 2,
  /** How long the IMAP look may take before the mailbox counts as unreachable. */
  imapTimeoutMs: 10_000,
} as const;

export interface HealthFacts {
  now: Date;
  pollSeconds: number;
  daemon: LockState;
  /** The database file exists (a daemon created it). */
  database: boolean;
  mailbox: { read: MailboxRead | null; probe: MailboxProbe | null; error: string | null };
  outbox: OutboxHealth;
  journal: { failed: number; failedRecent: number };
  jobs: { job: string; enabled: boolean; lastClaimedAt: string | null; lastDay: string | null }[];
  disk: { path: string; freeBytes: number; totalBytes: number } | { path: string; error: string };
}

export interface Check {
  name: 'daemon' | 'mailbox' | 'outbox' | 'journal' | 'schedule' | 'disk';
  level: Level;
  /** Why it is not ok, one sentence; null when ok. */
  problem: string | null;
}

export interface HealthReport {
  level: Level;
  /** 0 ok, 1 warning, 2 critical. */
  exitCode: 0 | 1 | 2;
  checks: Check[];
}

const RANK: Record<Level, number> = { ok: 0, warning: 1, critical: 2 };
const minutes = (ms: number) => `${Math.round(ms / MIN)} minutes`;

export function assessHealth(f: HealthFacts): HealthReport {
  const checks: Check[] = [daemon(f), mailbox(f), outbox(f), journal(f), { name: 'schedule', level: 'ok', problem: null }, disk(f)];
  const level = checks.reduce<Level>((worst, c) => (RANK[c.level] > RANK[worst] ? c.level : worst), 'ok');
  return { level, exitCode: RANK[level] as 0 | 1 | 2, checks };
}

function daemon(f: HealthFacts): Check {
  if (f.daemon.held === true) return { name: 'daemon', level: 'ok', problem: null };
  if (f.daemon.held === null) return { name: 'daemon', level: 'critical', problem: `cannot tell whether ticketd runs: ${f.daemon.error ?? 'lock unreadable'}` };
  return { name: 'daemon', level: 'critical', problem: 'no ticketd is running on this database (its lock is free)' };
}

function mailbox(f: HealthFacts): Check {
  const { read, error } = f.mailbox;
  if (error !== null) return { name: 'mailbox', level: 'critical', problem: `cannot read the mailbox: ${error}` };
  if (!read?.readAt) return { name: 'mailbox', level: 'warning', problem: 'the mailbox has not been read yet' };
  const age = f.now.getTime() - Date.parse(read.readAt);
  const poll = f.pollSeconds * 1000;
  const critical = Math.max(THRESHOLDS.readCriticalMs, 10 * poll);
  const warn = Math.max(THRESHOLDS.readWarnMs, 3 * poll);
  if (age > critical) return { name: 'mailbox', level: 'critical', problem: `no successful read for more than ${minutes(critical)}` };
  if (age > warn) return { name: 'mailbox', level: 'warning', problem: `no successful read for more than ${minutes(warn)}` };
  return { name: 'mailbox', level: 'ok', problem: null };
}

function outbox(f: HealthFacts): Check {
  const o = f.outbox;
  const age = o.oldestPending ? f.now.getTime() - Date.parse(o.oldestPending) : 0;
  if (age > THRESHOLDS.pendingCriticalMs) return { name: 'outbox', level: 'critical', problem: `mail waiting to be sent for more than ${minutes(THRESHOLDS.pendingCriticalMs)}` };
  const problems = [
    ...(age > THRESHOLDS.pendingWarnMs ? [`mail waiting to be sent for more than ${minutes(THRESHOLDS.pendingWarnMs)}`] : []),
    ...(o.failedRecent ? [`${o.failedRecent} failed in the last day (ticketd outbox; ticketd outbox retry --failed)`] : []),
    ...(o.held ? [`${o.held} held back (ticketd outbox; ticketd outbox retry --held)`] : []),
  ];
  return { name: 'outbox', level: problems.length ? 'warning' : 'ok', problem: problems.join('; ') || null };
}

function journal(f: HealthFacts): Check {
  if (!f.journal.failedRecent) return { name: 'journal', level: 'ok', problem: null };
  return {
    name: 'journal',
    level: 'warning',
    problem: `${f.journal.failedRecent} message(s) failed in the last day (ticketd journal --outcome failed; ticketd reprocess --failed)`,
  };
}

function disk(f: HealthFacts): Check {
  if ('error' in f.disk) return { name: 'disk', level: 'critical', problem: `cannot read free space under ${f.disk.path}: ${f.disk.error}` };
  const free = f.disk.freeBytes;
  const mib = (n: number) => `${Math.round(n / 1024 ** 2)} MiB`;
  if (free < THRESHOLDS.diskCriticalBytes) return { name: 'disk', level: 'critical', problem: `under ${mib(THRESHOLDS.diskCriticalBytes)} free under ${f.disk.path}` };
  if (free < THRESHOLDS.diskWarnBytes) return { name: 'disk', level: 'warning', problem: `under ${mib(THRESHOLDS.diskWarnBytes)} free under ${f.disk.path}` };
  return { name: 'disk', level: 'ok', problem: null };
}
