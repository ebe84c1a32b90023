import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { runPipeline } from '../../src/router/pipeline.js';
import { fakeLookup } from '../support/fake-lookup.js';
import { mailOf } from '../support/router.js';

// The shipped example must validate, and route the process documents' way end to end.
const file = path.resolve(import.meta.dirname, '../../config/ticketd.example.yaml');
const env = { TICKETD_IMAP_PASSWORD: 'imap-secret', TICKETD_SMTP_PASSWORD: 'smtp-secret' };

describe('config/ticketd.example.yaml', () => {
  const config = loadConfig(file, env);
  const ctx = { config, lookup: fakeLookup() };
  const route = async (headers: Record<string, string>, body?: string) =>
    runPipeline(await mailOf({ To: 'support@example.com', ...headers }, body), ctx).plan;

  it('validates, with the secrets taken from the environment', () => {
    expect(config.mailbox.password).toBe('imap-secret');
    expect(config.smtp?.password).toBe('smtp-secret');
    expect(config.request_types.map((t) => t.prefix)).toEqual(['REF', 'TECH', 'FB', 'SEO', 'BILL', 'TRI']);
  });

  it('signs mails with a real name and names types for clients where the team label is internal', () => {
    expect(config.public_name).not.toBe('Support');
    expect(config.request_types.find((t) => t.id === 'refund')?.client_label).toBe('Refund or credit note');
  });

  it('fails without the secrets in the environment', () => {
    expect(() => loadConfig(file, {})).toThrow(/TICKETD_IMAP_PASSWORD/);
  });

  it.each([
    ['refund → olivia', { Subject: 'Refund for the double charge' }, 'refund', 'olivia', 'normal'],
    ['refund before billing', { Subject: 'Invoice question' }, 'refund', 'olivia', 'normal', 'We were charged twice on this invoice, can we get a refund?'],
    ['billing → dennis', { Subject: 'Question about my invoice' }, 'billing', 'dennis', 'normal', 'Which card is this charged to?'],
    ['tech → joe, urgent', { Subject: 'Website down!!' }, 'tech', 'joe', 'urgent'],
    ['facebook → lindsey', { Subject: 'Facebook page admin access' }, 'facebook', 'lindsey', 'normal'],
    ['SEO plus address before keywords', { To: 'support+seo@example.com', Subject: 'Invoice for the listing work' }, 'seo', 'seth', 'normal'],
    ['billing subject before tech words in the body', { Subject: 'Autopay billing failed' }, 'billing', 'dennis', 'normal', 'The portal showed error 502 when I retried.'],
    ['a 404 phone area code is not a tech ticket', { Subject: 'Hello from the new owner' }, 'triage', null, 'normal', 'Call me any time: (404) 555-0142.'],
    ['a 404 error is', { Subject: 'Problem' }, 'tech', 'joe', 'normal', 'Our menu link gives a 404 not found page.'],
    ['unmatched → triage, unassigned', { Subject: 'Hello from the new owner' }, 'triage', null, 'normal', 'We took over the bakery last month.'],
  ])('routes %s', async (_n, headers, typeId, assignee, priority, body?: string) => {
    expect(await route(headers, body)).toMatchObject({ action: 'create', typeId, assignee, priority });
  });

  it('answers "status" from a listed organisation without a ticket', async () => {
    expect(await route({ From: 'Maria Lopez <maria@casalopez-tapas.example>', Subject: 'Status?' })).toMatchObject({
      action: 'status-request',
      sender: { kind: 'client', organisation: 'Casa Lopez Tapas Bar' },
    });
  });
});
