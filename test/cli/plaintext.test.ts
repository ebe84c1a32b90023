import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig, writeConfigFile } from '../support/config.js';
import { removeDovecotDir, startDovecot, type RunningDovecot } from '../support/dovecot.js';
import { clientMail } from '../support/emails.js';
import { appendMail, listFolder, waitFor } from '../support/mailbox.js';
import { freshUser, journal } from '../support/ticketd.js';
import { baseConfig, buildOnce, tempDir, ticketd, writeConfig } from './support.js';

// No password in plaintext unless the config says so. The private Dovecot has `ssl = no`, so it
// offers no STARTTLS: exactly what a server looks like when someone on the path strips it.

let dovecot: RunningDovecot;

beforeAll(async () => {
  await buildOnce();
  dovecot = startDovecot();
}, 180_000);

afterAll(() => {
  if (!dovecot) return;
  dovecot.stop();
  removeDovecotDir(dovecot);
});

/** Dovecot's log lines for successful logins of this user. */
const logins = (user: string): string[] =>
  readFileSync(path.join(dovecot.dir, 'dovecot.log'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('Login: user=<' + user + '>'));

describe('run --once against an IMAP server without STARTTLS', () => {
  it('refuses to log in without allow_plaintext (exit 1, the reason, the mailbox untouched); logs in with it', async () => {
    const { user, dir } = freshUser('plain');
    await appendMail(dovecot, user, [clientMail({ subject: 'Refund for order 77' }).raw]);
    // The helper's own APPEND logged in: count from here.
    await waitFor('the helper login in the log', () => logins(user).length === 1);

    const strict = writeConfigFile(dir, user, dovecot, { mailbox: { allow_plaintext: false } });
    const refused = ticketd(['run', '--once', '-c', strict]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      `mailbox: the server 127.0.0.1:${dovecot.imapPort} does not offer STARTTLS; refusing to send the password in plaintext ` +
        '(set mailbox.allow_plaintext: true only for a trusted loopback server)',
    );
    expect(await listFolder(dovecot, user)).toEqual([expect.objectContaining({ seen: false, subject: 'Refund for order 77' })]);
    const config = testConfig(dir, user, dovecot);
    if (existsSync(config.database)) expect(journal(config)).toEqual([]);

    // The same server with allow_plaintext: the login happens, the mail is ticketed.
    const lax = writeConfigFile(dir, user, dovecot, { mailbox: { allow_plaintext: true } });
    const ok = ticketd(['run', '--once', '-c', lax]);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(journal(config).map((j) => j.outcome)).toEqual(['created']);
    // Two helper logins (APPEND, listFolder) and ticketd's one: the refused run never logged in.
    await waitFor('ticketd login in the log', () => logins(user).length >= 3);
    expect(logins(user)).toHaveLength(3);
  });
});

describe('check-config on allow_plaintext', () => {
  it('warns when plaintext is allowed towards a host that is not loopback, and only then', () => {
    const dir = tempDir();
    const c = baseConfig(dir);
    c.mailbox = { ...(c.mailbox as object), host: 'imap.agency.example', allow_plaintext: true };
    c.smtp = { host: 'smtp.agency.example', port: 587, from: 'support@agency.example', allow_plaintext: true };
    const r = ticketd(['check-config', '-c', writeConfig(dir, c)]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('warning: mailbox.allow_plaintext is true for imap.agency.example, which is not a loopback address');
    expect(r.stderr).toContain('warning: smtp.allow_plaintext is true for smtp.agency.example, which is not a loopback address');

    const loopback = baseConfig(dir); // 127.0.0.1 with allow_plaintext: true
    loopback.smtp = { host: 'localhost', port: 2525, from: 'support@agency.example', allow_plaintext: true };
    const quiet = ticketd(['check-config', '-c', writeConfig(dir, loopback, 'loopback.yaml')]);
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).not.toContain('allow_plaintext');

    const json = ticketd(['check-config', '--json', '-c', writeConfig(dir, c, 'remote.yaml')]);
    const warnings = (JSON.parse(json.stdout) as { summary: { warnings: string[] } }).summary.warnings;
    expect(warnings.filter((w) => w.includes('allow_plaintext'))).toHaveLength(2);
  });
});
