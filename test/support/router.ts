import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { parseMail } from '../../src/ingest/parse.js';
import type { Decision, LookupPort, Mail, Stage, StageContext, StageResult } from '../../src/router/types.js';
import { fakeLookup } from './fake-lookup.js';

// Helpers for stage tests: a small valid config, raw mail from a template, and running a stage.

export function testConfig(overrides: Record<string, unknown> = {}): Config {
  return parseConfig(
    {
      database: 'db.sqlite',
      data_dir: 'data',
      support_address: 'support@brightpixel.example',
      mailbox: { host: '127.0.0.1', port: 143, user: 'support', password: 'x', allow_plaintext: true, start_from: 'all' },
      staff: [
        { id: 'olivia', name: 'Olivia Grant', email: 'olivia@brightpixel.example', role: 'agent' },
        { id: 'joe', name: 'IT Joe', email: 'joe@brightpixel.example', role: 'agent' },
        { id: 'seth', name: 'Seth Moreau', email: 'seth@brightpixel.example', role: 'agent' },
        { id: 'dana', name: 'Dana Lead', email: 'dana@brightpixel.example', role: 'lead' },
      ],
      request_types: [
        { id: 'refund', prefix: 'REF', label: 'Refund / credit', assignee: 'olivia' },
        { id: 'tech', prefix: 'TECH', label: 'Technical', assignee: 'joe' },
        { id: 'seo', prefix: 'SEO', label: 'SEO', assignee: 'seth' },
        { id: 'triage', prefix: 'TRI', label: 'Triage', assignee: null },
      ],
      triage_type: 'triage',
      // The scheduler is off: a daemon started in a test must not send a daily list because the
      // suite happens to run after 08:00 on a weekday. Scheduler tests use their own config.
      schedule: { daily_list: false, tbc_reminder: false, sweep: false },
      ...overrides,
    },
    '/tmp',
    {},
  );
}

/** A raw message: the given headers (From/Subject/Message-ID defaulted) and body, CRLF. */
export function raw(headers: Record<string, string>, body = 'Hello,\n\nPlease help.\n'): Buffer {
  const all: Record<string, string> = {
    From: 'Maria Lopez <maria@casalopez-tapas.example>',
    To: 'support@brightpixel.example',
    Subject: 'Help',
    'Message-ID': '<m1@casalopez-tapas.example>',
    ...headers,
  };
  const head = Object.entries(all)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
  return Buffer.from(`${head}\n\n${body}`.replace(/\r?\n/g, '\r\n'));
}

export async function mailOf(headers: Record<string, string>, body?: string): Promise<Mail> {
  return (await parseMail(raw(headers, body), { attachmentMaxBytes: 1 << 20 })).mail;
}

export function ctxOf(config: Config = testConfig(), lookup: LookupPort = fakeLookup()): StageContext {
  return { config, lookup };
}

export function runStage(stage: Stage, mail: Mail, soFar: Decision = {}, ctx: StageContext = ctxOf()): StageResult {
  return stage.run(mail, soFar, ctx);
}
