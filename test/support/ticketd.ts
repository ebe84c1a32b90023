import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { runDaemon } from '../../src/service/daemon.js';
import { openDb, type Db } from '../../src/store/db.js';
import { testConfig, type MailboxTarget } from './config.js';

// Run ticketd in-process against a Dovecot user, and read what it stored.

export const quiet = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

let userCounter = 0;
/** A fresh IMAP user (= a fresh mailbox) and working directory per test. */
export function freshUser(prefix: string): { user: string; dir: string } {
  const user = `${prefix}${process.pid}x${++userCounter}`.toLowerCase().replace(/[^a-z0-9]/g, '');
  return { user, dir: mkdtempSync(path.join(tmpdir(), `tkd-${prefix}-`)) };
}

export function configFor(dir: string, user: string, d: MailboxTarget, extra?: Record<string, unknown>): Config {
  return testConfig(dir, user, d, extra);
}

export async function runOnce(config: Config): Promise<void> {
  await runDaemon(config, { once: true, log: quiet, parts: [] });
}

export function readDb<T>(config: Config, fn: (db: Db) => T): T {
  const db = openDb(config.database);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export interface TicketRow {
  key: string;
  type_id: string;
  status: string;
  assignee: string | null;
  subject: string;
  client_email: string | null;
  client_wrote: number;
  checker: string;
}

export const tickets = (config: Config): TicketRow[] =>
  readDb(config, (db) =>
    db.prepare('SELECT key, type_id, status, assignee, subject, client_email, client_wrote, checker FROM tickets ORDER BY id').all() as TicketRow[],
  );

export interface JournalView {
  id: number;
  uid: number;
  uidvalidity: number;
  subject: string | null;
  outcome: string | null;
  reason: string | null;
  ticket_id: number | null;
  server_marked: number;
}

export const journal = (config: Config): JournalView[] =>
  readDb(config, (db) =>
    db.prepare('SELECT id, uid, uidvalidity, subject, outcome, reason, ticket_id, server_marked FROM journal ORDER BY id').all() as JournalView[],
  );

/** Everything a second pass must leave alone, as one comparable value. */
export const snapshot = (config: Config) =>
  readDb(config, (db) => ({
    tickets: db.prepare('SELECT * FROM tickets ORDER BY id').all(),
    messages: db.prepare('SELECT id, ticket_id, journal_id FROM messages ORDER BY id').all(),
    events: db.prepare('SELECT id, ticket_id, kind FROM events ORDER BY id').all(),
    journal: db.prepare('SELECT id, uid, outcome, reason, ticket_id, attempts FROM journal ORDER BY id').all(),
    checkpoints: db.prepare('SELECT mailbox, uidvalidity, last_uid FROM checkpoints').all(),
  }));
