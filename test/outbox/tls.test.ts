import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainOutbox } from '../../src/outbox/deliver.js';
import { createOutboxHook } from '../../src/outbox/enqueue.js';
import { openDb } from '../../src/store/db.js';
import { listOutbox } from '../../src/store/outbox.js';
import { loadTemplates } from '../../src/templates/load.js';
import { outboxConfig } from '../support/outbox-config.js';
import { clientMessage, makeTicket } from '../support/outbox-db.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { captureLog } from '../support/log-lines.js';

// Outgoing mail never logs in or travels in plaintext unless the config says so. The receiver
// offers AUTH but no STARTTLS: what a submission server looks like once the offer is stripped.

let smtp: TestSmtp;
let dir: string;
const credentials = { user: 'support-out', pass: 'smtp-secret' };

beforeAll(async () => {
  smtp = await startSmtp({ auth: credentials });
  dir = mkdtempSync(path.join(tmpdir(), 'tkd-tls-'));
});
afterAll(async () => {
  await smtp.stop();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function outboxWithTwoMails(allowPlaintext: boolean) {
  const config = outboxConfig(
    {
      database: `tls-${++n}.sqlite`,
      smtp: {
        host: '127.0.0.1',
        port: smtp.port,
        from: 'Agency support <support@agency.example>',
        user: credentials.user,
        password: credentials.pass,
        retry_seconds: [0],
        allow_plaintext: allowPlaintext,
      },
    },
    dir,
  );
  const db = openDb(config.database);
  const hook = createOutboxHook(config, loadTemplates(config));
  const t = makeTicket(db);
  db.transaction(() => hook(db, { kind: 'ticket-created', ticket: t, message: clientMessage(t) }))();
  return { config, db };
}

describe('SMTP delivery to a server without STARTTLS', () => {
  it('without allow_plaintext: no AUTH, nothing sent, the mail pending with the reason and an error-level log', async () => {
    smtp.auths.length = 0;
    smtp.received.length = 0;
    const { config, db } = outboxWithTwoMails(false);
    const { log, lines } = captureLog();
    try {
      const result = await drainOutbox(config, db, log);
      expect(result.sent).toBe(0);
      expect(smtp.auths).toEqual([]);
      expect(smtp.received).toEqual([]);
      const rows = listOutbox(db, ['pending', 'sending', 'sent', 'failed', 'held']);
      expect(rows.map((r) => r.status)).toEqual(['pending', 'pending']);
      const reason =
        `smtp: the server 127.0.0.1:${smtp.port} does not offer STARTTLS (it answered "`;
      const tried = rows.filter((r) => r.attempts > 0);
      expect(tried.length).toBeGreaterThanOrEqual(1);
      for (const r of tried) {
        expect(r.lastError).toContain(reason);
        expect(r.lastError).toContain('refusing to log in or send mail in plaintext (set smtp.allow_plaintext: true only for a trusted loopback server)');
      }
      const errors = lines().filter((l) => l.level === 50);
      expect(errors).toHaveLength(1); // once per pass, not once per mail
      expect(errors[0]!.msg).toContain(reason);
    } finally {
      db.close();
    }
  });

  it('with allow_plaintext: logs in and delivers (the same receiver, so the refusal above was the policy)', async () => {
    smtp.auths.length = 0;
    smtp.received.length = 0;
    const { config, db } = outboxWithTwoMails(true);
    try {
      const result = await drainOutbox(config, db, pino({ level: 'silent' }));
      expect(result).toEqual({ sent: 2, retried: 0, failed: 0 });
      expect(smtp.auths.length).toBeGreaterThanOrEqual(1);
      expect(new Set(smtp.auths)).toEqual(new Set([credentials.user]));
      expect(smtp.received).toHaveLength(2);
    } finally {
      db.close();
    }
  });
});
