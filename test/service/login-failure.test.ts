import { describe, expect, it } from 'vitest';
import { drainOutbox } from '../../src/outbox/deliver.js';
import { runDaemon } from '../../src/service/daemon.js';
import type { MailboxState } from '../../src/ingest/mailbox.js';
import { listOutbox } from '../../src/store/outbox.js';
import { openDb, type Db } from '../../src/store/db.js';
import type { Config } from '../../src/config/schema.js';
import { buildOnce, ticketd } from '../cli/support.js';
import { writeConfigFile } from '../support/config.js';
import { useDovecot } from '../support/dovecot.js';
import { clientMail } from '../support/emails.js';
import { captureLog } from '../support/log-lines.js';
import { appendMail, waitFor } from '../support/mailbox.js';
import { useSmtp } from '../support/smtp.js';
import { configFor, freshUser, quiet, readDb } from '../support/ticketd.js';
import { beforeAll } from 'vitest';

beforeAll(buildOnce, 180_000);

// A wrong password, against the real servers: named as a login failure at error level, with a
// wait of minutes before the next try, never "Command failed" retried every few seconds.

async function withDb<T>(config: Config, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = openDb(config.database);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

const dovecot = useDovecot();
const credentials = { user: 'ticketd-out', pass: 'right-smtp-password' };
const smtp = useSmtp({ auth: credentials });

describe('a wrong IMAP password', () => {
  it('the daemon logs "IMAP login failed … check mailbox.user/password" at error level and waits a minute or more', async () => {
    const { user, dir } = freshUser('badimap');
    const config = configFor(dir, user, dovecot, { mailbox: { password: 'not-the-password' } });
    const { log, lines } = captureLog();
    const stop = new AbortController();
    const states: MailboxState[] = [];
    const daemon = runDaemon(config, { once: false, log, parts: [], signal: stop.signal, onMailboxState: (s) => states.push(s) });
    await waitFor('the mailbox loop to back off', () => states.includes('backoff'));
    stop.abort();
    await daemon;
    const failure = lines().find((l) => String(l.msg).startsWith('IMAP login failed'));
    expect(failure).toMatchObject({ level: 50, component: 'mailbox' });
    expect(failure!.msg).toMatch(new RegExp(`^IMAP login failed for ${user} at 127\\.0\\.0\\.1:${dovecot.imapPort}( \\(the server said: [^)]*\\))?: check mailbox\\.user/password$`));
    expect(failure!.retryInMs).toBeGreaterThanOrEqual(48_000);
    expect(lines().some((l) => l.level === 40 && /mailbox unavailable/.test(String(l.msg)))).toBe(false);
    // Stopped while waiting: it tried once, not again and again.
    expect(states.filter((s) => s === 'connecting')).toHaveLength(1);
  });

  it('`run --once` exits 1 with the same sentence', () => {
    const { user, dir } = freshUser('badimapcli');
    const file = writeConfigFile(dir, user, { ...dovecot, imapPort: dovecot.imapPort, password: 'not-the-password' });
    const r = ticketd(['run', '--once', '-c', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`ticketd: IMAP login failed for ${user} at 127\\.0\\.0\\.1:\\d+.*: check mailbox\\.user/password`));
  });
});

describe('a wrong SMTP password', () => {
  it('names the login failure at error level, keeps the mail without counting an attempt, and logs in again only after a wait', async () => {
    const { user, dir } = freshUser('badsmtp');
    const smtpConfig = { host: '127.0.0.1', port: smtp.port, from: 'support@agency.example', user: credentials.user, password: 'wrong', allow_plaintext: true, retry_seconds: [0] };
    const config = configFor(dir, user, dovecot, { smtp: smtpConfig });
    await appendMail(dovecot, user, [clientMail({ from: 'Dana Whitfield <dana@bakery.example>', to: 'support+seo@agency.example', subject: 'Our listing vanished' }).raw]);
    const { log, lines } = captureLog();
    smtp.auths.length = 0;
    await runDaemon(config, { once: true, log }); // tickets the mail, then tries to deliver
    const failure = lines().find((l) => String(l.msg).startsWith('SMTP login failed'));
    expect(failure).toMatchObject({ level: 50, component: 'outbox' });
    expect(failure!.msg).toMatch(new RegExp(`^SMTP login failed for ${credentials.user} at 127\\.0\\.0\\.1:${smtp.port}.*: check smtp\\.user/password$`));
    expect(failure!.retryInMs).toBeGreaterThanOrEqual(48_000);
    expect(lines().filter((l) => String(l.msg).startsWith('SMTP login failed'))).toHaveLength(1);
    const rows = readDb(config, (db) => listOutbox(db, ['pending', 'sending', 'sent', 'failed']));
    expect(rows).toHaveLength(2); // the acknowledgement and the assignment notice
    expect(rows.every((r) => r.status === 'pending' && r.attempts === 0)).toBe(true);
    expect(rows.some((r) => /^SMTP login failed/.test(r.lastError ?? ''))).toBe(true);
    const tries = smtp.auths.length;
    expect(tries).toBeGreaterThanOrEqual(1);

    // Another pass at once: no login, nothing sent, nothing given up.
    const again = await withDb(config, (db) => drainOutbox(config, db, log));
    expect(again).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(smtp.auths.length).toBe(tries);

    // The operator fixes the password: the mail goes on the first pass.
    const fixed = { ...config, smtp: { ...config.smtp!, password: credentials.pass } };
    const sent = await withDb(fixed, (db) => drainOutbox(fixed, db, quiet));
    expect(sent.sent).toBe(2);
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual(['dana@bakery.example', 'seth@agency.example']);
  });
});
