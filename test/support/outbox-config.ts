import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';

// A config for outbox and template tests: the shipped templates, two specialists, a triage
// type without assignee, SMTP on the given port.

export const shippedTemplates = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../config/templates');

export function outboxConfig(over: Record<string, unknown> = {}, dir = '/tmp'): Config {
  return parseConfig(
    {
      database: ':memory:',
      data_dir: 'data',
      support_address: 'support@agency.example',
      public_name: 'Agency client services',
      templates_dir: shippedTemplates,
      // The test servers on loopback have no TLS.
      mailbox: { host: '127.0.0.1', port: 1143, user: 'support', password: 'x', allow_plaintext: true, start_from: 'all' },
      smtp: { host: '127.0.0.1', port: 2525, from: 'Agency support <support@agency.example>', retry_seconds: [0], allow_plaintext: true },
      staff: [
        { id: 'seth', name: 'Seth', email: 'seth@agency.example', role: 'agent' },
        { id: 'olivia', name: 'Olivia', email: 'olivia@agency.example', role: 'agent' },
        { id: 'lee', name: 'Lee', email: 'lee@agency.example', role: 'lead' },
      ],
      request_types: [
        { id: 'seo', prefix: 'SEO', label: 'SEO', assignee: 'seth', turnaround: '3 business days' },
        { id: 'refund', prefix: 'REF', label: 'Refund / credit', assignee: 'olivia' },
        { id: 'triage', prefix: 'TRI', label: 'General' },
      ],
      triage_type: 'triage',
      // The scheduler is off: a daemon started in a test must not send a daily list because the
      // suite happens to run after 08:00 on a weekday. Scheduler tests use their own config.
      schedule: { daily_list: false, tbc_reminder: false, sweep: false },
      ...over,
    },
    dir,
    {},
  );
}
