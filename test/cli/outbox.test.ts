import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createOutboxHook } from '../../src/outbox/enqueue.js';
import { openDb } from '../../src/store/db.js';
import { getOutbox, listOutbox, markFailed, markSent } from '../../src/store/outbox.js';
import { loadTemplates } from '../../src/templates/load.js';
import { buildOnce } from '../support/build.js';
import { shippedTemplates } from '../support/outbox-config.js';
import { clientMessage, makeTicket } from '../support/outbox-db.js';
import { baseConfig, tempDir, ticketd, writeConfig } from './support.js';

beforeAll(() => buildOnce(), 120_000);

describe('ticketd check-config and templates', () => {
  it('a typo in a template variable is a config error naming the file and the variable (exit 2)', () => {
    const dir = tempDir();
    const templates = path.join(dir, 'templates');
    cpSync(shippedTemplates, templates, { recursive: true });
    const broken = path.join(templates, 'closed.text.hbs');
    writeFileSync(broken, readFileSync(broken, 'utf8').replace('{{clientName}}', '{{clientNmae}}'));
    const file = writeConfig(dir, { ...baseConfig(dir), templates_dir: 'templates' });
    const r = ticketd(['check-config', '-c', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: unknown variable "clientNmae" \\(line \\d+\\)`));
  });

  it('the shipped templates pass when templates_dir is not set', () => {
    const dir = tempDir();
    const r = ticketd(['check-config', '-c', writeConfig(dir, baseConfig(dir))]);
    // No problem with the templates; only the warnings every valid config may carry.
    expect(r.stderr.split('\n').filter((l) => l && !l.startsWith('warning: '))).toEqual([]);
    expect(r.status).toBe(0);
  });
});

describe('ticketd outbox', () => {
  function seeded() {
    const dir = tempDir();
    const file = writeConfig(dir, baseConfig(dir));
    const config = loadConfig(file);
    const db = openDb(config.database);
    const hook = createOutboxHook(config, loadTemplates(config));
    const t = makeTicket(db, { key: 'SEO-1000', clientEmail: 'dana@bakery.example' });
    db.transaction(() => hook(db, { kind: 'ticket-created', ticket: t, message: clientMessage(t) }))();
    const [ack, notice] = listOutbox(db, ['pending']);
    markFailed(db, ack!.id, '550 5.1.1 <dana@bakery.example>: no such user');
    markSent(db, notice!.id, new Date().toISOString());
    db.close();
    return { file, config, ack: ack!, notice: notice! };
  }

  it('lists undelivered mail with the server reply, as text and --json', () => {
    const { file, ack } = seeded();
    const text = ticketd(['outbox', '-c', file]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^${ack.id}\\s+failed\\s+ack\\s+SEO-1000\\s+dana@bakery\\.example\\s+1\\s+(just now|\\d+ \\w+ ago)\\s+550 5\\.1\\.1`, 'm'));
    expect(text.stdout).not.toContain('seth@'); // the sent notice is not listed
    const json = ticketd(['outbox', '-c', file, '--json']);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ id: ack.id, status: 'failed', kind: 'ack', ticketKey: 'SEO-1000', lastError: expect.stringMatching(/^550 /) }),
    ]);
  });

  it('retry puts a failed mail back in the queue; sent, unknown and malformed ids are refused', () => {
    const { file, config, ack, notice } = seeded();
    const r = ticketd(['outbox', 'retry', String(ack.id), '-c', file]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`outbox #${ack.id} to dana@bakery.example queued again`);
    const db = openDb(config.database);
    expect(getOutbox(db, ack.id)).toMatchObject({ status: 'pending', attempts: 0, messageId: ack.messageId });
    db.close();

    const sent = ticketd(['outbox', 'retry', String(notice.id), '-c', file]);
    expect(sent.status).toBe(2);
    expect(sent.stderr).toContain('is sent: only failed or held mail can be retried');
    expect(ticketd(['outbox', 'retry', '999', '-c', file]).status).toBe(1);
    expect(ticketd(['outbox', 'retry', 'abc', '-c', file]).status).toBe(2);
  });

  /** Two failed acknowledgements, three held ones (one of them to our own support address), one sent notice. */
  function mixed() {
    const dir = tempDir();
    const file = writeConfig(dir, { ...baseConfig(dir), rate_limits: { global: { count: 2, minutes: 10 } } });
    const config = loadConfig(file);
    const db = openDb(config.database);
    const hook = createOutboxHook(config, loadTemplates(config));
    for (const email of ['a@x.example', 'b@x.example', 'c@x.example', 'd@x.example', 'support+seo@agency.example']) {
      const t = makeTicket(db, { clientEmail: email, assignee: null, typeId: 'triage' });
      db.transaction(() => hook(db, { kind: 'ticket-created', ticket: t, message: clientMessage(t) }))();
    }
    const [a, b] = listOutbox(db, ['pending']);
    markFailed(db, a!.id, '550 5.1.1 no such user');
    markFailed(db, b!.id, '554 5.7.1 rejected');
    const counts = () => Object.fromEntries(['pending', 'failed', 'held'].map((s) => [s, listOutbox(db, [s as 'pending']).length]));
    expect(counts()).toEqual({ pending: 0, failed: 2, held: 3 });
    return { file, db, counts, messageIds: () => listOutbox(db, ['pending', 'failed', 'held']).map((r) => r.messageId).sort() };
  }

  it('retry --failed and retry --held queue every such mail again with its Message-ID, and say how many', () => {
    const { file, db, counts, messageIds } = mixed();
    try {
      const ids = messageIds();
      const failed = ticketd(['outbox', 'retry', '--failed', '-c', file]);
      expect(failed.stderr).toBe('');
      expect(failed.status).toBe(0);
      expect(failed.stdout).toBe('2 mail(s) queued again (2 failed)\n');
      expect(counts()).toEqual({ pending: 2, failed: 0, held: 3 });

      const held = ticketd(['outbox', 'retry', '--held', '-c', file]);
      expect(held.status).toBe(0);
      expect(held.stdout).toBe(
        '2 mail(s) queued again (2 held)\n1 mail(s) to our own support address left as they are: such mail is never sent\n',
      );
      expect(counts()).toEqual({ pending: 4, failed: 0, held: 1 });
      expect(messageIds()).toEqual(ids);
      expect(db.prepare(`SELECT COUNT(*) AS n FROM events WHERE kind = 'mail_retried'`).get()).toEqual({ n: 4 });

      // Nothing left to retry is not an error.
      const none = ticketd(['outbox', 'retry', '--failed', '--held', '-c', file]);
      expect(none.status).toBe(0);
      expect(none.stdout).toMatch(/^0 mail\(s\) queued again \(0 failed, 0 held\)\n/);
    } finally {
      db.close();
    }
  });

  it('retry needs exactly one of ID, --failed/--held (exit 2); mail to our own address is refused by ID too', () => {
    const { file, db } = mixed();
    try {
      const neither = ticketd(['outbox', 'retry', '-c', file]);
      expect(neither.status).toBe(2);
      expect(neither.stderr).toContain('outbox retry takes an ID, or --failed and/or --held');
      const [failed] = listOutbox(db, ['failed']);
      expect(ticketd(['outbox', 'retry', String(failed!.id), '--failed', '-c', file]).status).toBe(2);
      const own = listOutbox(db, ['held']).find((r) => r.toAddr.startsWith('support+'))!;
      const r = ticketd(['outbox', 'retry', String(own.id), '-c', file]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('addressed to our own support address');
      expect(listOutbox(db, ['failed'])).toHaveLength(2); // nothing changed
    } finally {
      db.close();
    }
  });

  it('the list shows held mail with why it is held', () => {
    const { file, db } = mixed();
    db.close();
    const text = ticketd(['outbox', '-c', file]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^\d+\s+held\s+ack\s+\S+\s+c@x\.example\s+0\s+(just now|\d+ \w+ ago)\s+held back by the global limit: 2 automatic replies in 10 minutes/m);
    const json = JSON.parse(ticketd(['outbox', '-c', file, '--json']).stdout) as { to: string; audience: string; status: string }[];
    expect(json.find((m) => m.to === 'c@x.example')).toMatchObject({ status: 'held', audience: 'outside' });
  });
});
