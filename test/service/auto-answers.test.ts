import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { runDaemon } from '../../src/service/daemon.js';
import { useDovecot } from '../support/dovecot.js';
import { clientMail, type Msg } from '../support/emails.js';
import { appendMail } from '../support/mailbox.js';
import { useSmtp } from '../support/smtp.js';
import { configFor, freshUser, journal, quiet, readDb, tickets } from '../support/ticketd.js';

// Who gets an automatic answer (issue 7, items 1 and 2), through the real Dovecot and a real
// SMTP receiver: only one valid mailbox, only mail addressed to us, and, once our receiving
// server's authserv-id is trusted, only a sender whose DMARC passed there. The ticket is made
// in every case; only the answer is withheld, with the reason on record.

const dovecot = useDovecot();
const smtp = useSmtp();

const OURS = 'mx.agency.example';
const TRUSTED = { mail_auth: { trusted_authserv_ids: [OURS] } };

function setup(prefix: string, extra: Record<string, unknown> = {}): { user: string; config: Config } {
  const { user, dir } = freshUser(prefix);
  const config = configFor(dir, user, dovecot, {
    smtp: { host: '127.0.0.1', port: smtp.port, from: 'Agency support <support@agency.example>', retry_seconds: [0], allow_plaintext: true },
    // Room for every mail of these tests: the limits have tests of their own.
    rate_limits: { global: { count: 1000, minutes: 10 }, per_recipient: { count: 100, minutes: 60 } },
    ...extra,
  });
  return { user, config };
}

const runOnce = (config: Config) => runDaemon(config, { once: true, log: quiet });
const recipients = () => smtp.received.flatMap((r) => r.to).sort();

/** As our receiving server leaves it: its results and Received line on top of the sender's headers. */
function received(msg: Msg, results: string): string {
  return [`Authentication-Results: ${results}`, `Received: from sender.example by ${OURS} with ESMTPS`, msg.raw].join('\n');
}

const events = (config: Config, kind: string) =>
  readDb(config, (db) => db.prepare('SELECT ticket_id AS ticketId, data FROM events WHERE kind = ? ORDER BY id').all(kind)) as { ticketId: number | null; data: string }[];

describe('automatic answers go to one valid mailbox only', () => {
  it.each([
    ['several addresses', '"Dana" <dana@victim.example>, ann@victim.example, bob@victim.example', 'From holds 3 addresses'],
    ['a group', 'Everyone: dana@victim.example, ann@victim.example;', 'From uses a group'],
  ])('a From of %s gets no mail at all; the ticket is made for its first address, with the reason', async (_n, from, problem) => {
    const { user, config } = setup('fanout');
    // Triage: no assignee, so no notice either; nothing may be sent.
    await appendMail(dovecot, user, [clientMail({ from, subject: 'Hello there' }).raw]);
    await runOnce(config);
    expect(smtp.received).toEqual([]);
    expect(readDb(config, (db) => db.prepare('SELECT COUNT(*) AS n FROM outbox').get())).toEqual({ n: 0 });
    expect(tickets(config).map((t) => [t.key, t.client_email])).toEqual([['TRI-1000', 'dana@victim.example']]);
    const reason = `not exactly one sender mailbox: ${problem}`;
    expect(events(config, 'auto_answer_withheld').map((e) => [e.ticketId, JSON.parse(e.data)])).toEqual([[1, { reason }]]);
    expect(journal(config).map((j) => [j.outcome, j.reason])).toEqual([['created', `no automatic answer: ${reason}`]]);
  });

  it("a Reply-To of several addresses gets no acknowledgement; the assignee's notice still goes", async () => {
    const { user, config } = setup('replyto');
    await appendMail(dovecot, user, [clientMail({ from: 'Dana <dana@bakery.example>', subject: 'Refund please', headers: ['Reply-To: a@victim.example, b@victim.example'] }).raw]);
    await runOnce(config);
    expect(recipients()).toEqual(['olivia@agency.example']);
  });
});

describe('no backscatter: answers only to authenticated senders, on mail addressed to us', () => {
  const forged = (i: number) => clientMail({ from: `Victim ${i} <victim${i}@victims.example>`, subject: `Hello number ${i}` });

  it('50 forged senders without a DMARC pass get nothing; the same 50 with dmarc=pass from our server get one acknowledgement each', async () => {
    const { user, config } = setup('forged', TRUSTED);
    const failing = Array.from({ length: 50 }, (_, i) => received(forged(i), `${OURS}; spf=fail smtp.mailfrom=x@evil.example; dmarc=fail (p=reject) header.from=victims.example`));
    await appendMail(dovecot, user, failing);
    await runOnce(config);
    expect(tickets(config)).toHaveLength(50);
    expect(smtp.received).toEqual([]);
    expect(events(config, 'auto_answer_withheld')).toHaveLength(50);
    expect(journal(config)[0]!.reason).toBe(`no automatic answer: sender not authenticated (${OURS}): dmarc=fail header.from=victims.example`);

    const passing = Array.from({ length: 50 }, (_, i) => received(forged(i), `${OURS}; dmarc=pass (p=reject dis=none) header.from=victims.example`));
    await appendMail(dovecot, user, passing);
    await runOnce(config);
    expect(tickets(config)).toHaveLength(100);
    expect(recipients()).toEqual(Array.from({ length: 50 }, (_, i) => `victim${i}@victims.example`).sort());
  });

  it('a dmarc=pass from an authserv-id we do not trust is ignored', async () => {
    const { user, config } = setup('untrusted', TRUSTED);
    await appendMail(dovecot, user, [
      received(forged(1), `mx.evil.example; dmarc=pass header.from=victims.example`),
      // A forger's header with OUR id, below our server's own results, counts for nothing either.
      [`Authentication-Results: ${OURS}; dmarc=fail header.from=victims.example`, `Received: by ${OURS}`, `Authentication-Results: ${OURS}; dmarc=pass header.from=victims.example`, forged(2).raw].join('\n'),
    ]);
    await runOnce(config);
    expect(tickets(config)).toHaveLength(2);
    expect(smtp.received).toEqual([]);
    expect(events(config, 'auto_answer_withheld').map((e) => JSON.parse(e.data).reason)).toEqual([
      `sender not authenticated: no Authentication-Results from ${OURS}`,
      `sender not authenticated (${OURS}): dmarc=fail header.from=victims.example`,
    ]);
  });

  it('mail that does not name the support address gets no answer (RFC 3834 §2), even authenticated', async () => {
    const { user, config } = setup('notus', TRUSTED);
    const bcc = clientMail({ from: 'Dana <dana@bakery.example>', to: 'Friends <friends@bakery.example>', subject: 'Hello there' });
    await appendMail(dovecot, user, [received(bcc, `${OURS}; dmarc=pass header.from=bakery.example`)]);
    await runOnce(config);
    expect(tickets(config)).toHaveLength(1);
    expect(smtp.received).toEqual([]);
    expect(events(config, 'auto_answer_withheld').map((e) => JSON.parse(e.data).reason)).toEqual([
      'not addressed to support@agency.example (To, Cc, Delivered-To, X-Original-To)',
    ]);
  });

  it('a forged "status" request and a forged unknown sender get no answer either; both are on record', async () => {
    const { user, config } = setup('forgedask', { ...TRUSTED, clients: { allow: 'known', organisations: [{ name: 'Bakery', domains: ['bakery.example'] }] } });
    await appendMail(dovecot, user, [
      received(clientMail({ from: 'Dana <dana@bakery.example>', subject: 'status' }), `${OURS}; dmarc=fail header.from=bakery.example`),
      received(clientMail({ from: 'Sam <sam@else.example>', subject: 'Prices?' }), `${OURS}; dmarc=none header.from=else.example`),
    ]);
    await runOnce(config);
    expect(smtp.received).toEqual([]);
    expect(journal(config).map((j) => j.outcome)).toEqual(['command', 'ignored']);
    expect(events(config, 'auto_answer_withheld').map((e) => e.ticketId)).toEqual([null, null]);
  });
});
