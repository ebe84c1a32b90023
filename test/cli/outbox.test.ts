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
    expect(r.stderr).toBe('');
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
    expect(text.stdout).toMatch(new RegExp(`^${ack.id}\\s+failed\\s+ack\\s+SEO-1000\\s+dana@bakery\\.example\\s+1\\s+\\S+\\s+550 5\\.1\\.1`, 'm'));
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
});
