import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';

// A config with the process documents' routing, for tests. Mailbox settings point at a
// private Dovecot user when one is given.

export const SUPPORT = 'support@agency.example';

export interface MailboxTarget {
  imapPort: number;
  password: string;
}

export function configData(dir: string, user = 'support', dovecot?: MailboxTarget, extra: Record<string, unknown> = {}) {
  const { mailbox: mailboxExtra, ...rest } = extra as { mailbox?: Record<string, unknown> };
  return {
    database: path.join(dir, 'ticketd.sqlite'),
    data_dir: path.join(dir, 'data'),
    support_address: SUPPORT,
    parse_workers: 0,
    log_level: 'warn',
    mailbox: {
      host: '127.0.0.1',
      port: dovecot?.imapPort ?? 1143,
      user,
      password: dovecot?.password ?? 'ticketd',
      poll_seconds: 1,
      // Dovecot on loopback has no TLS.
      allow_plaintext: true,
      // Tests deliver mail before the daemon starts and expect it ticketed.
      start_from: 'all',
      ...mailboxExtra,
    },
    staff: [
      { id: 'olivia', name: 'Olivia Reyes', email: 'olivia@agency.example', role: 'agent' },
      { id: 'joe', name: 'IT Joe', email: 'joe@agency.example', role: 'agent' },
      { id: 'lindsey', name: 'Lindsey Park', email: 'lindsey@agency.example', role: 'agent' },
      { id: 'seth', name: 'Seth Moore', email: 'seth@agency.example', role: 'agent' },
      { id: 'dennis', name: 'Dennis Hall', email: 'dennis@agency.example', role: 'agent' },
      { id: 'lee', name: 'Lee Chen', email: 'lee@agency.example', role: 'lead' },
      { id: 'mona', name: 'Mona Ruiz', email: 'mona@agency.example', role: 'manager' },
    ],
    request_types: [
      { id: 'refund', prefix: 'REF', label: 'Refund / credit', assignee: 'olivia' },
      { id: 'tech', prefix: 'TEC', label: 'Technical', assignee: 'joe' },
      { id: 'facebook', prefix: 'FB', label: 'Facebook admin', assignee: 'lindsey' },
      { id: 'seo', prefix: 'SEO', label: 'SEO', assignee: 'seth' },
      { id: 'billing', prefix: 'BIL', label: 'Billing', assignee: 'dennis' },
      { id: 'triage', prefix: 'TRI', label: 'Triage' },
    ],
    triage_type: 'triage',
    // The scheduler is off: a daemon started in a test must not send a daily list because the
    // suite happens to run after 08:00 on a weekday. Scheduler tests use their own config.
    schedule: { daily_list: false, tbc_reminder: false, sweep: false },
    rules: [
      { name: 'seo address', match: [{ field: 'to', op: 'contains', value: 'support+seo@' }], set: { type: 'seo' } },
      { name: 'refunds', match: [{ field: 'subject', op: 'matches', value: '\\b(refund|credit)\\b' }], set: { type: 'refund' } },
      { name: 'tech', match: [{ field: 'subject', op: 'matches', value: '\\b(website|down|error|login)\\b' }], set: { type: 'tech' } },
      { name: 'facebook', match: [{ field: 'subject', op: 'contains', value: 'facebook' }], set: { type: 'facebook' } },
      { name: 'billing', match: [{ field: 'subject', op: 'matches', value: '\\b(invoice|billing)\\b' }], set: { type: 'billing' } },
    ],
    ...rest,
  };
}

export function testConfig(dir: string, user?: string, dovecot?: MailboxTarget, extra?: Record<string, unknown>): Config {
  return parseConfig(configData(dir, user, dovecot, extra), dir, {});
}

/** Write ticketd.yaml into dir (for the real CLI) and return its path. */
export function writeConfigFile(dir: string, user: string, dovecot: MailboxTarget, extra?: Record<string, unknown>): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'ticketd.yaml');
  writeFileSync(file, stringify(configData(dir, user, dovecot, extra)));
  return file;
}
