import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The ticketd config the bench runs with: the process documents' routing (refund/credit →
// olivia, tech → joe, Facebook admin → lindsey, SEO → seth, billing → dennis, else triage),
// matched on the words the generated subjects use. Plain data; parseConfig validates it.

export const SUPPORT_ADDRESS = 'support@baystone.example';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface BenchConfigParams {
  database: string;
  dataDir: string;
  imapPort: number;
  user: string;
  password: string;
  smtpPort?: number;
}

export function benchConfigData(p: BenchConfigParams): Record<string, unknown> {
  return {
    database: p.database,
    data_dir: p.dataDir,
    timezone: 'America/Chicago',
    support_address: SUPPORT_ADDRESS,
    log_level: 'info',
    public_name: 'Baystone Client Services',
    templates_dir: path.join(repoRoot, 'config', 'templates'),
    // 2,000 mails arrive in one pass: limits far above it, so nothing is held back and every
    // acknowledgement is measured (the limits' own cost, two COUNT queries per mail, stays in).
    rate_limits: { per_recipient: { count: 100_000, minutes: 60 }, global: { count: 1_000_000, minutes: 10 } },
    mailbox: { host: '127.0.0.1', port: p.imapPort, secure: false, user: p.user, password: p.password, folder: 'INBOX' },
    ...(p.smtpPort ? { smtp: { host: '127.0.0.1', port: p.smtpPort, secure: false, from: `Client Services <${SUPPORT_ADDRESS}>` } } : {}),
    staff: [
      { id: 'olivia', name: 'Olivia', email: 'olivia@baystone.example', role: 'agent' },
      { id: 'joe', name: 'IT Joe', email: 'joe@baystone.example', role: 'agent' },
      { id: 'lindsey', name: 'Lindsey', email: 'lindsey@baystone.example', role: 'agent' },
      { id: 'seth', name: 'Seth', email: 'seth@baystone.example', role: 'agent' },
      { id: 'dennis', name: 'Dennis', email: 'dennis@baystone.example', role: 'agent' },
      { id: 'lena', name: 'Lena Lead', email: 'lena@baystone.example', role: 'lead' },
      { id: 'mark', name: 'Mark Manager', email: 'mark@baystone.example', role: 'manager' },
    ],
    request_types: [
      { id: 'refund', prefix: 'REF', label: 'Refund/Credit', assignee: 'olivia' },
      { id: 'tech', prefix: 'TECH', label: 'Tech', assignee: 'joe', turnaround: '1 business day' },
      { id: 'facebook', prefix: 'FB', label: 'Facebook Admin', assignee: 'lindsey' },
      { id: 'seo', prefix: 'SEO', label: 'SEO', assignee: 'seth', turnaround: '5 business days' },
      { id: 'billing', prefix: 'BILL', label: 'Billing', assignee: 'dennis' },
      { id: 'triage', prefix: 'REQ', label: 'General request', assignee: null },
    ],
    triage_type: 'triage',
    rules: [
      { name: 'seo-plus-address', match: [{ field: 'to', op: 'contains', value: 'support+seo@' }], set: { type: 'seo' } },
      { name: 'refund-or-credit', match: [{ field: 'subject', op: 'matches', value: '\\b(refund|credit)\\b' }], set: { type: 'refund' } },
      { name: 'facebook-admin', match: [{ field: 'subject', op: 'contains', value: 'facebook' }], set: { type: 'facebook' } },
      { name: 'seo', match: [{ field: 'subject', op: 'matches', value: '\\bseo\\b' }], set: { type: 'seo' } },
      { name: 'billing', match: [{ field: 'subject', op: 'matches', value: '\\b(billing|invoice|autopay)\\b' }], set: { type: 'billing' } },
      { name: 'tech', match: [{ field: 'subject', op: 'matches', value: '\\b(website|site|ssl|log in)\\b' }], set: { type: 'tech' } },
    ],
  };
}
