import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

// The ticketd config the bench runs with: the shipped example config (its staff, request
// types and routing rules, so rule evaluation costs what it will cost users), with the store,
// mailbox and SMTP pointed at the bench's private servers. Plain data; parseConfig validates it.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const examplePath = path.join(repoRoot, 'config', 'ticketd.example.yaml');

export interface BenchConfigParams {
  database: string;
  dataDir: string;
  imapPort: number;
  user: string;
  password: string;
  smtpPort?: number;
}

function example(): Record<string, unknown> {
  return parse(readFileSync(examplePath, 'utf8')) as Record<string, unknown>;
}

/** The address the generated mail is sent to (the example config's support address). */
export const SUPPORT_ADDRESS = String(example().support_address);

export function benchConfigData(p: BenchConfigParams): Record<string, unknown> {
  const data = example();
  const smtp = p.smtpPort
    ? { host: '127.0.0.1', port: p.smtpPort, secure: false, allow_plaintext: true, from: (data.smtp as { from?: string } | undefined)?.from ?? SUPPORT_ADDRESS }
    : undefined;
  return {
    ...data,
    database: p.database,
    data_dir: p.dataDir,
    log_level: 'info',
    templates_dir: path.join(repoRoot, 'config', 'templates'),
    // Flag \Seen and leave (the default): the baseline reads the same folder by UID.
    // The bench's Dovecot and SMTP receiver are on loopback, without TLS.
    mailbox: { host: '127.0.0.1', port: p.imapPort, secure: false, allow_plaintext: true, user: p.user, password: p.password, folder: 'INBOX', start_from: 'all' },
    // Without smtp the ingest pass only enqueues; the drain phase gets the bench's receiver.
    smtp,
    // 2,000 mails arrive in one pass: limits far above it, so nothing is held back and every
    // acknowledgement is measured (the limits' own cost, two COUNT queries per mail, stays in).
    rate_limits: { per_recipient: { count: 100_000, minutes: 60 }, global: { count: 1_000_000, minutes: 10 } },
  };
}
