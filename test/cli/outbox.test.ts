import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
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

  it('show prints a sent mail as delivery writes it: headers, text, the state; --html FILE writes the HTML part', () => {
    const { file, notice } = seeded();
    const r = ticketd(['outbox', 'show', String(notice.id), '-c', file]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [state, ...rest] = r.stdout.split('\n');
    expect(state).toMatch(new RegExp(`^outbox #${notice.id}\\s+assigned\\s+SEO-1\\d+\\s+sent `));
    const head = rest.slice(0, rest.indexOf(''));
    expect(head).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^From: .*support@agency\.example/),
        'To: seth@agency.example',
        `Subject: ${notice.subject}`,
        `Message-ID: <${notice.messageId}>`,
        expect.stringMatching(/^Date: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/),
        'Auto-Submitted: auto-generated',
        'X-Ticketd-Loop: ticketd',
      ]),
    );
    expect(r.stdout).toContain(notice.text);
    expect(r.stdout).toContain('(HTML part too: --html FILE writes it)');

    const out = path.join(path.dirname(file), 'notice.html');
    const html = ticketd(['outbox', 'show', String(notice.id), '--html', out, '-c', file]);
    expect(html.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(notice.html);
    expect(html.stdout).toContain(`(HTML part written to ${out})`);

    const json = JSON.parse(ticketd(['outbox', 'show', String(notice.id), '--json', '-c', file]).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ id: notice.id, status: 'sent', kind: 'assigned', text: notice.text, html: notice.html });
  });

  it('show cleans control characters out of headers and text, like every printer', () => {
    const { file, config, ack } = seeded();
    const db = openDb(config.database);
    db.prepare('UPDATE outbox SET subject = ?, text = ? WHERE id = ?').run('Hi \u001b[2J\u202eevil', 'line one\u0007\nline \u001b]0;title\u0007two\n', ack.id);
    db.close();
    const r = ticketd(['outbox', 'show', String(ack.id), '-c', file]);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    expect(r.stdout).toContain('Subject: Hi [2Jevil');
    expect(r.stdout).toContain('line one\nline ]0;titletwo');
  });

  it('show of an unknown id is bad usage (exit 2) naming the id; --html on a text-only mail writes nothing (exit 1)', () => {
    const { file, config, ack } = seeded();
    const unknown = ticketd(['outbox', 'show', '99999', '-c', file]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no outbox mail #99999');
    expect(unknown.stdout).toBe('');
    expect(ticketd(['outbox', 'show', 'abc', '-c', file]).status).toBe(2);

    const db = openDb(config.database);
    db.prepare('UPDATE outbox SET html = NULL WHERE id = ?').run(ack.id);
    db.close();
    const out = path.join(path.dirname(file), 'ack.html');
    const r = ticketd(['outbox', 'show', String(ack.id), '--html', out, '-c', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`outbox mail #${ack.id} has no HTML part`);
    expect(existsSync(out)).toBe(false);
  });

  it('--all lists sent mail too, so its id can be shown', () => {
    const { file, ack, notice } = seeded();
    expect(ticketd(['outbox', '-c', file]).stdout).not.toMatch(new RegExp(`^${notice.id}\\s`, 'm'));
    const all = ticketd(['outbox', '--all', '-c', file]);
    expect(all.status).toBe(0);
    expect(all.stdout).toMatch(new RegExp(`^${ack.id}\\s+failed\\s+ack`, 'm'));
    expect(all.stdout).toMatch(new RegExp(`^${notice.id}\\s+sent\\s+assigned`, 'm'));
    const one = JSON.parse(ticketd(['outbox', '--all', '1', '--json', '-c', file]).stdout) as { id: number }[];
    expect(one.map((m) => m.id)).toEqual([Math.max(ack.id, notice.id)]);
  });
});
