import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { runDaemon } from '../../src/service/daemon.js';
import { writeConfigFile } from '../support/config.js';
import { useDovecot } from '../support/dovecot.js';
import { clientMail } from '../support/emails.js';
import { appendMail } from '../support/mailbox.js';
import { useSmtp } from '../support/smtp.js';
import { freshUser, quiet, readDb } from '../support/ticketd.js';
import { buildOnce, cliPath, ticketd } from './support.js';

// The process document end to end: client mail in through Dovecot, staff at work with the
// built CLI as separate processes, mail out through the outbox to a real SMTP receiver.

beforeAll(() => buildOnce(), 180_000);
const dovecot = useDovecot();
const smtp = useSmtp();

const DANA = 'Dana Whitfield <dana@bakery.example>';

function setup(prefix: string): { user: string; file: string; config: Config } {
  const { user, dir } = freshUser(prefix);
  const file = writeConfigFile(dir, user, dovecot, {
    smtp: { host: '127.0.0.1', port: smtp.port, from: 'Agency support <support@agency.example>', retry_seconds: [0], allow_plaintext: true },
  });
  return { user, file, config: loadConfig(file) };
}

const runOnce = (config: Config) => runDaemon(config, { once: true, log: quiet });
const to = (addr: string) => smtp.received.filter((r) => r.to.includes(addr));
const as = (file: string, who: string, ...args: string[]) => ticketd([...args, '-c', file, '--as', who]);
const ticket = (config: Config, key: string) =>
  readDb(config, (db) => db.prepare('SELECT status, assignee, worker, client_wrote AS blue FROM tickets WHERE key = ?').get(key) as Record<string, unknown>);
const counts = (config: Config) =>
  readDb(config, (db) => db.prepare('SELECT (SELECT COUNT(*) FROM events) AS events, (SELECT COUNT(*) FROM outbox) AS outbox, (SELECT status FROM tickets WHERE id = 1) AS status').get());

/** The built CLI as a child process that does not block the test (for races). */
function ticketdAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, TICKETD_CONFIG: '', TICKETD_LOG_LEVEL: 'silent' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('working tickets from the command line', () => {
  it('client mail → lead assigns → agent done → sent back with a reason → done again → closed: one closed notice; a client reply reopens', async () => {
    const { user, file, config } = setup('story');
    const first = clientMail({ from: DANA, subject: 'Please update our opening hours' });
    await appendMail(dovecot, user, [first.raw]);
    await runOnce(config);
    expect(to('dana@bakery.example')).toHaveLength(1); // the acknowledgement
    const key = 'TRI-1000';
    expect(ticket(config, key)).toMatchObject({ status: 'new', assignee: null });

    // An agent may not assign: refused with the sentence, nothing written.
    const before = counts(config);
    const refused = as(file, 'joe', 'assign', key, 'joe');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('only leads assign tickets; ask a lead');
    expect(counts(config)).toEqual(before);

    const assigned = as(file, 'lee', 'assign', key, 'joe', '--json');
    expect(assigned.status).toBe(0);
    expect(JSON.parse(assigned.stdout)).toMatchObject({ ok: true, ticket: { key, status: 'open', assignee: 'joe' } });
    await runOnce(config);
    expect(to('joe@agency.example').map((m) => m.subject)).toEqual([`[${key}] New Triage ticket for you: Please update our opening hours`]);

    // The agent marks it done (identity from TICKETD_AS), and may not close it.
    expect(ticketd(['done', key, '-c', file], { TICKETD_AS: 'joe' }).status).toBe(0);
    const close = as(file, 'joe', 'close', key);
    expect(close.status).toBe(1);
    expect(close.stderr).toContain('checked by management');

    const back = as(file, 'lee', 'send-back', key, '--reason', 'Sunday hours are still missing');
    expect(back.status).toBe(0);
    expect(ticket(config, key)).toMatchObject({ status: 'open', assignee: 'joe', worker: 'joe' });
    await runOnce(config);
    const notices = to('joe@agency.example');
    expect(notices).toHaveLength(2);
    expect(notices[1]!.subject).toBe(`[${key}] Sent back to you: Please update our opening hours`);
    expect(notices[1]!.text).toContain('Why: Sunday hours are still missing');

    expect(as(file, 'joe', 'done', key).status).toBe(0);
    expect(readDb(config, (db) => db.prepare('SELECT worker, checker, reason, back_to_tbc_at IS NOT NULL AS back FROM rework').all())).toEqual([
      { worker: 'joe', checker: 'lee', reason: 'Sunday hours are still missing', back: 1 },
    ]);
    const closed = as(file, 'mona', 'close', key);
    expect(closed.stderr).toBe('');
    expect(closed.status).toBe(0);
    await runOnce(config);
    await runOnce(config);
    const toDana = to('dana@bakery.example');
    expect(toDana.map((m) => m.subject)).toEqual([`[${key}] Please update our opening hours`, `[${key}] Done: Please update our opening hours`]);

    // The client answers the closed notice: the ticket is open again, blue.
    await appendMail(dovecot, user, [clientMail({ from: DANA, subject: `Re: ${toDana[1]!.subject}`, body: 'The Sunday hours show twice now.\n' }).raw]);
    await runOnce(config);
    expect(ticket(config, key)).toMatchObject({ status: 'open', blue: 1 });
  }, 120_000);

  it('a staff-opened ticket is closed by its opener, not by another agent; several client addresses are refused', async () => {
    const { file, config } = setup('opened');
    const opened = as(file, 'seth', 'open', '--client', 'eve@shop.example', '--type', 'tech', '--subject', 'New logo', '-m', 'Swap the logo on the home page', '--json');
    expect(opened.status).toBe(0);
    const key = (JSON.parse(opened.stdout) as { ticket: { key: string } }).ticket.key;
    expect(as(file, 'joe', 'done', key).status).toBe(0);
    const other = as(file, 'olivia', 'close', key);
    expect(other.status).toBe(1);
    expect(other.stderr).toContain('its checker, seth');
    expect(as(file, 'seth', 'close', key).status).toBe(0);
    await runOnce(config);
    // Not asked to notify: the client hears only that it is done.
    expect(to('eve@shop.example').map((m) => m.subject)).toEqual([`[${key}] Done: New logo`]);

    const many = as(file, 'seth', 'open', '--client', 'eve@shop.example, mallory@evil.example', '--type', 'tech', '--subject', 'x', '-m', 'x');
    expect(many.status).toBe(1);
    expect(many.stderr).toContain('refused: the client address');
    expect(readDb(config, (db) => db.prepare('SELECT COUNT(*) AS n FROM tickets').get())).toEqual({ n: 1 });
  }, 60_000);

  it('two closes racing on one ticket: one succeeds, one is refused, one closed notice', async () => {
    const { file, config } = setup('race');
    const key = (JSON.parse(as(file, 'seth', 'open', '--client', 'eve@shop.example', '--type', 'tech', '--subject', 'Race', '-m', 'x', '--json').stdout) as { ticket: { key: string } }).ticket.key;
    expect(as(file, 'joe', 'done', key).status).toBe(0);
    const both = await Promise.all([ticketdAsync(['close', key, '-c', file, '--as', 'seth']), ticketdAsync(['close', key, '-c', file, '--as', 'mona'])]);
    expect(both.map((r) => r.status).sort()).toEqual([0, 1]);
    expect(both.find((r) => r.status === 1)!.stderr).toMatch(/already closed|changed by someone else meanwhile/);
    expect(readDb(config, (db) => db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE kind = 'closed'`).get())).toEqual({ n: 1 });
  }, 60_000);

  it('a reply while the daemon runs is delivered once, as a person writes it; notes keep only text', async () => {
    const { user, file, config } = setup('live');
    await appendMail(dovecot, user, [clientMail({ from: DANA, subject: 'Website is down' }).raw]);
    const stop = new AbortController();
    const daemon = runDaemon(config, { once: false, log: quiet, signal: stop.signal });
    try {
      await smtp.waitFor(2); // acknowledgement and the notice to joe
      const note = as(file, 'joe', 'note', 'TEC-1000', '-m', 'called\u001b[2J her\u0007 back');
      expect(note.status).toBe(0);
      const r = as(file, 'joe', 'reply', 'TEC-1000', '-m', 'It is back up.\nSorry for the trouble.', '--tbc');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const [mail] = (await smtp.waitFor(3)).slice(2);
      expect(mail!.to).toEqual(['dana@bakery.example']);
      expect(mail!.subject).toBe('Re: [TEC-1000] Website is down');
      expect(mail!.header('auto-submitted')).toBe('');
      expect(mail!.text).toContain('It is back up.\nSorry for the trouble.');
      expect(mail!.text).toContain('IT Joe');
    } finally {
      stop.abort();
      await daemon;
    }
    expect(to('dana@bakery.example')).toHaveLength(2);
    expect(ticket(config, 'TEC-1000')).toMatchObject({ status: 'tbc', worker: 'joe' });
    const note = readDb(config, (db) => db.prepare(`SELECT data FROM events WHERE kind = 'note'`).get() as { data: string });
    expect(JSON.parse(note.data)).toEqual({ text: 'called[2J her back' });
  }, 60_000);

  it('reply --attach: the files go with the mail; a missing or too big file refuses the whole reply', async () => {
    const { file, config } = setup('attach');
    const key = (JSON.parse(as(file, 'seth', 'open', '--client', 'eve@shop.example', '--type', 'tech', '--subject', 'Invoice copy', '-m', 'x', '--json').stdout) as { ticket: { key: string } }).ticket.key;
    const dir = path.dirname(file);
    const pdf = path.join(dir, 'invoice 4411.pdf');
    writeFileSync(pdf, Buffer.from('%PDF-1.4 a small invoice\n'));
    const big = path.join(dir, 'big.bin');
    writeFileSync(big, Buffer.alloc(2048, 1));
    const before = counts(config);
    const missing = as(file, 'seth', 'reply', key, '-m', 'Here it is.', '--attach', path.join(dir, 'nope.pdf'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('cannot read nope.pdf');
    writeFileSync(file, `${readFileSync(file, 'utf8')}limits:\n  attachment_max_bytes: 1024\n`);
    const tooBig = as(file, 'seth', 'reply', key, '-m', 'Here it is.', '--attach', big);
    expect(tooBig.status).toBe(1);
    expect(tooBig.stderr).toContain('over limits.attachment_max_bytes');
    expect(counts(config)).toEqual(before);

    const r = as(file, 'seth', 'reply', key, '-m', 'Here it is.', '--attach', pdf);
    expect(r.stderr).toBe('');
    await runOnce(loadConfig(file));
    const [mail] = to('eve@shop.example');
    const parsed = await simpleParser(mail!.raw);
    expect(parsed.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([['invoice 4411.pdf', 'application/pdf', '%PDF-1.4 a small invoice\n']]);
    expect(parsed.text).toContain('Here it is.');
  }, 60_000);

  it('who is acting: no --as and no TICKETD_AS is a usage error (exit 2); an unknown id too', () => {
    const { file } = setup('who');
    const none = ticketd(['done', 'TEC-1000', '-c', file]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('who is acting? pass --as');
    expect(as(file, 'nobody', 'done', 'TEC-1000').status).toBe(2);
    expect(as(file, 'lee', 'assign', 'TEC-1000').status).toBe(2); // neither a staff id nor --triage
  });
});
