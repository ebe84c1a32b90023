import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { typedMessage } from '../../src/service/ticket-mail.js';
import * as svc from '../../src/service/tickets.js';
import type { Db } from '../../src/store/db.js';
import type { Actor } from '../../src/tickets/status.js';
import { shippedTemplates } from '../support/outbox-config.js';

// A working week in America/Chicago for the scheduler: tickets made through the ticket
// service at set times, so created_at and the tbc events are what the mails report.

export function scheduleConfig(over: Record<string, unknown> = {}, smtpPort = 2525): Config {
  return parseConfig(scheduleData(over, smtpPort), '/tmp', {});
}

/** The config as plain data (for a YAML file the CLI reads). */
export function scheduleData(over: Record<string, unknown> = {}, smtpPort = 2525): Record<string, unknown> {
  return {
    database: ':memory:',
    data_dir: 'data',
    timezone: 'America/Chicago',
    support_address: 'support@agency.example',
    public_name: 'Agency client services',
    templates_dir: shippedTemplates,
    mailbox: { host: '127.0.0.1', port: 1143, user: 'support', password: 'x', allow_plaintext: true },
    smtp: { host: '127.0.0.1', port: smtpPort, from: 'Agency support <support@agency.example>', retry_seconds: [0], allow_plaintext: true },
    staff: [
      { id: 'seth', name: 'Seth', email: 'seth@agency.example', role: 'agent' },
      { id: 'olivia', name: 'Olivia', email: 'olivia@agency.example', role: 'agent' },
      { id: 'lee', name: 'Lee', email: 'lee@agency.example', role: 'lead' },
      { id: 'mia', name: 'Mia', email: 'mia@agency.example', role: 'manager' },
      { id: 'ned', name: 'Ned', email: 'ned@agency.example', role: 'agent' },
    ],
    request_types: [
      { id: 'seo', prefix: 'SEO', label: 'SEO', assignee: 'seth' },
      { id: 'refund', prefix: 'REF', label: 'Refund / credit', assignee: 'olivia' },
      { id: 'triage', prefix: 'TRI', label: 'General' },
    ],
    triage_type: 'triage',
    ...over,
  };
}

const staff = (id: string, role: 'agent' | 'lead' | 'manager' = 'agent'): Actor => ({ kind: 'staff', id, role });
const ok = (r: { ok: boolean; sentence?: string }) => {
  if (!r.ok) throw new Error(r.sentence);
};

/**
 * SEO-1000 (Mar 2, seth, open, client wrote again: blue), REF-1001 (Mar 3, olivia, new), TRI-1002 (Mar 3, triage), SEO-1003 (Mar 4, seth done Mar 6: tbc, management
 * checks), REF-1004 (Mar 5, opened by olivia for a client, seth did it Mar 6: tbc, olivia
 * checks), SEO-1005 (Mar 7, seth, new), REF-1006 (Mar 2, closed: in no mail).
 */
export function seedWeek(db: Db, config: Config): void {
  let now = new Date();
  const ctx = { db, config, hooks: [], now: () => now };
  const at = (iso: string) => {
    now = new Date(iso);
  };
  const client = (typeId: string, subject: string, email: string) => {
    const r = svc.open(ctx, { kind: 'client', email }, 'email', {
      typeId,
      subject,
      client: { email, name: null },
      message: typedMessage(`About ${subject}.`, subject, { email, name: '' }),
    });
    if (!r.ok) throw new Error(r.sentence);
    return r.ticket.key;
  };
  at('2026-03-02T15:00:00Z');
  const a = client('seo', 'Listing vanished', 'dana@bakery.example');
  ok(svc.setStatus(ctx, staff('seth'), 'cli', { target: { key: a }, to: 'open' }));
  at('2026-03-03T15:00:00Z');
  client('refund', 'Refund for March', 'erin@shop.example');
  at('2026-03-03T16:00:00Z');
  client('triage', 'Who do I ask?', 'frank@acme.example');
  at('2026-03-04T15:00:00Z');
  const b = client('seo', 'Sitemap broken', 'bob@bobs.example');
  ok(svc.setStatus(ctx, staff('seth'), 'cli', { target: { key: b }, to: 'open' }));
  at('2026-03-05T15:00:00Z');
  const opened = svc.open(ctx, staff('olivia'), 'cli', {
    typeId: 'refund',
    subject: 'Credit note layout',
    client: { email: 'gina@shop.example' },
    assignee: 'seth',
    quiet: true,
    message: typedMessage('Fix the credit note layout.', 'Credit note layout', { email: 'olivia@agency.example', name: 'Olivia' }),
  });
  if (!opened.ok) throw new Error(opened.sentence);
  const c = opened.ticket.key;
  ok(svc.setStatus(ctx, staff('seth'), 'cli', { target: { key: c }, to: 'open' }));
  at('2026-03-06T17:00:00Z');
  ok(svc.done(ctx, staff('seth'), 'cli', { key: b }));
  at('2026-03-06T18:00:00Z');
  ok(svc.done(ctx, staff('seth'), 'cli', { key: c }));
  at('2026-03-07T15:00:00Z');
  client('seo', 'Robots.txt question', 'hal@hal.example');
  // A closed ticket is in no mail.
  at('2026-03-02T10:00:00Z');
  const closed = client('refund', 'Old refund', 'ivy@ivy.example');
  ok(svc.setStatus(ctx, staff('olivia'), 'cli', { target: { key: closed }, to: 'open' }));
  ok(svc.done(ctx, staff('olivia'), 'cli', { key: closed }));
  ok(svc.close(ctx, staff('lee', 'lead'), 'cli', { key: closed }));
  // The client writes again on SEO-1000: blue.
  at('2026-03-08T20:00:00Z');
  const r = svc.append(ctx, { kind: 'client', email: 'dana@bakery.example' }, 'email', {
    ticketId: db.prepare<[string], { id: number }>(`SELECT id FROM tickets WHERE key = ?`).get(a)!.id,
    message: typedMessage('Any news?', 'Re: Listing vanished', { email: 'dana@bakery.example', name: '' }),
    threadedBy: 'key',
  });
  if (!r.ok) throw new Error(r.sentence);
}
