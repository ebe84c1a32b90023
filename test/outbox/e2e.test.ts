import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { runDaemon } from '../../src/service/daemon.js';
import { listOutbox, type OutboxRow } from '../../src/store/outbox.js';
import { removeDovecotDir, startDovecot, type RunningDovecot } from '../support/dovecot.js';
import { clientMail, type Msg } from '../support/emails.js';
import { appendMail, waitFor } from '../support/mailbox.js';
import { startSmtp, type Received, type TestSmtp } from '../support/smtp.js';
import { configFor, freshUser, journal, quiet, readDb, tickets } from '../support/ticketd.js';

// Mail in through the real Dovecot, the daemon with its outbox part, mail out to a real SMTP
// receiver: what clients and staff actually get.

let dovecot: RunningDovecot;
let smtp: TestSmtp;
beforeAll(async () => {
  dovecot = startDovecot();
  smtp = await startSmtp();
});
afterAll(async () => {
  await smtp?.stop();
  dovecot?.stop();
  if (dovecot) removeDovecotDir(dovecot);
});
beforeEach(async () => {
  await smtp.up();
  smtp.received.length = 0;
  smtp.respond = () => null;
});

const DANA = 'Dana Whitfield <dana@bakery.example>';

function setup(prefix: string, extra: Record<string, unknown> = {}): { user: string; config: Config } {
  const { user, dir } = freshUser(prefix);
  const config = configFor(dir, user, dovecot, {
    smtp: { host: '127.0.0.1', port: smtp.port, from: 'Agency support <support@agency.example>', retry_seconds: [0], allow_plaintext: true },
    ...extra,
  });
  return { user, config };
}

/** `ticketd run --once` with the default daemon parts (the outbox among them). */
const runOnce = (config: Config) => runDaemon(config, { once: true, log: quiet });
const outbox = (config: Config): OutboxRow[] => readDb(config, (db) => listOutbox(db, ['pending', 'sent', 'failed', 'held']));
const to = (addr: string) => smtp.received.filter((r) => r.to.includes(addr));

describe('replies through Dovecot and SMTP', () => {
  it('a new client email: exactly one acknowledgement with the [KEY] tag and threading, one notice to the specialist', async () => {
    const { user, config } = setup('ack');
    const first = clientMail({ from: DANA, to: 'support+seo@agency.example', subject: 'Our listing vanished from Google', headers: ['References: <older@bakery.example>'] });
    await appendMail(dovecot, user, [first.raw]);
    await runOnce(config);
    const [ticket] = tickets(config);
    expect(ticket).toMatchObject({ key: 'SEO-1000', assignee: 'seth' });

    const acks = to('dana@bakery.example');
    expect(acks).toHaveLength(1);
    expect(acks[0]!.subject).toBe('[SEO-1000] Our listing vanished from Google');
    expect(acks[0]!.inReplyTo).toBe(first.messageId);
    expect(acks[0]!.references).toEqual(['older@bakery.example', first.messageId]);
    expect(acks[0]!.header('auto-submitted')).toBe('auto-replied');
    expect(acks[0]!.text).toContain('Hi Dana Whitfield,');

    const notices = to('seth@agency.example');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.subject).toContain('[SEO-1000]');
    expect(notices[0]!.text).toContain('Dana Whitfield <dana@bakery.example>');
    expect(smtp.received).toHaveLength(2);

    // A second pass over the same mailbox sends nothing more.
    await runOnce(config);
    expect(smtp.received).toHaveLength(2);
  });

  it('a reply from the client lands on the ticket and gets no second acknowledgement', async () => {
    const { user, config } = setup('reply');
    await appendMail(dovecot, user, [clientMail({ from: DANA, subject: 'Refund for order 5521' }).raw]);
    await runOnce(config);
    const ack = to('dana@bakery.example')[0]!;
    // The client answers our acknowledgement from their mail program.
    await appendMail(dovecot, user, [
      clientMail({
        from: DANA,
        subject: `Re: ${ack.subject}`,
        headers: [`In-Reply-To: <${ack.messageId}>`, `References: <${ack.inReplyTo}> <${ack.messageId}>`],
        body: 'Any news on this?\n\n> Thanks for your message.\n',
      }).raw,
    ]);
    await runOnce(config);
    expect(journal(config).map((j) => j.outcome)).toEqual(['created', 'appended']);
    expect(to('dana@bakery.example')).toHaveLength(1);
    expect(outbox(config).filter((r) => r.kind === 'ack')).toHaveLength(1);
  });

  it('an autoresponder that answers every mail it gets ends after one exchange', async () => {
    const { user, config } = setup('ooo');
    // Two peers: one marks its answers (RFC 3834), one does not and just quotes our subject.
    const peers: Record<string, (m: Received) => Msg> = {
      'polite@away.example': (m) =>
        clientMail({
          from: 'Polite Away <polite@away.example>',
          subject: `Automatic reply: ${m.subject}`,
          headers: ['Auto-Submitted: auto-replied', `In-Reply-To: <${m.messageId}>`, `References: <${m.messageId}>`],
          body: 'I am out of the office until Monday.\n',
        }),
      'crude@away.example': (m) =>
        clientMail({ from: 'Crude Away <crude@away.example>', subject: `Out of office: ${m.subject}`, body: 'Back next week.\n' }),
    };
    await appendMail(dovecot, user, [
      clientMail({ from: 'Polite Away <polite@away.example>', subject: 'Website is down' }).raw,
      clientMail({ from: 'Crude Away <crude@away.example>', subject: 'Invoice question' }).raw,
    ]);
    let answered = 0;
    let exchanges = 0;
    for (let round = 0; round < 5; round++) {
      await runOnce(config);
      const fresh = smtp.received.slice(answered).filter((m) => peers[m.to[0]!]);
      answered = smtp.received.length;
      if (!fresh.length) break;
      exchanges++;
      await appendMail(dovecot, user, fresh.map((m) => peers[m.to[0]!]!(m).raw));
    }
    expect(exchanges).toBe(1);
    expect(to('polite@away.example')).toHaveLength(1);
    expect(to('crude@away.example')).toHaveLength(1);
    const outcomes = journal(config).map((j) => [j.subject, j.outcome]);
    expect(outcomes).toEqual([
      ['Website is down', 'created'],
      ['Invoice question', 'created'],
      [expect.stringMatching(/^Automatic reply: \[TEC-1000\]/), 'ignored'],
      // Recognised by its subject, or at worst a note on the ticket: never a new ticket.
      [expect.stringMatching(/^Out of office: \[BIL-1001\]/), expect.stringMatching(/^(ignored|appended)$/)],
    ]);
  });

  it('a burst of 50 mails from dana+1..50@: 5 acknowledgements go out, the rest are held; every notice goes out', async () => {
    const { user, config } = setup('burst', { rate_limits: { global: { count: 30, minutes: 10 } } });
    await appendMail(dovecot, user, Array.from({ length: 50 }, (_, i) => clientMail({ from: `Dana <dana+${i + 1}@bakery.example>`, subject: `Invoice question ${i + 1}` }).raw));
    await runOnce(config);
    expect(tickets(config)).toHaveLength(50);
    const toDana = smtp.received.filter((r) => r.to.some((a) => a.endsWith('@bakery.example')));
    expect(toDana).toHaveLength(5);
    expect(toDana.every((r) => r.to.length === 1)).toBe(true);
    const rows = outbox(config);
    const acks = rows.filter((r) => r.kind === 'ack');
    expect(acks.filter((r) => r.status === 'sent')).toHaveLength(5);
    expect(acks.filter((r) => r.status === 'held')).toHaveLength(45);
    const held = readDb(config, (db) => db.prepare(`SELECT COUNT(DISTINCT ticket_id) AS n FROM events WHERE kind = 'mail_held'`).get()) as { n: number };
    expect(held.n).toBe(45);
    // Notices to staff are not counted against, nor held by, the budget of automatic replies.
    expect(to('dennis@agency.example')).toHaveLength(50);
    expect(rows.filter((r) => r.kind === 'assigned').every((r) => r.status === 'sent')).toBe(true);
  });

  it('40 different senders over a global budget of 30: 30 acknowledgements go out, 10 are held with the reason; all 40 notices go out', async () => {
    const { user, config } = setup('global', { rate_limits: { global: { count: 30, minutes: 10 } } });
    await appendMail(dovecot, user, Array.from({ length: 40 }, (_, i) => clientMail({ from: `Client ${i} <client${i}@shop${i}.example>`, subject: `Invoice question ${i + 1}` }).raw));
    await runOnce(config);
    expect(smtp.received.filter((r) => r.to[0]!.startsWith('client'))).toHaveLength(30);
    expect(to('dennis@agency.example')).toHaveLength(40);
    const held = outbox(config).filter((r) => r.status === 'held');
    expect(held.map((r) => r.kind)).toEqual(Array(10).fill('ack'));
    expect(new Set(held.map((r) => r.lastError))).toEqual(new Set(['held back by the global limit: 30 automatic replies in 10 minutes']));
  });

  it('a From listing several addresses, or a group, makes no mail to more than one recipient', async () => {
    const { user, config } = setup('fanout');
    const victims = Array.from({ length: 20 }, (_, i) => `v${i}@victim.example`);
    await appendMail(dovecot, user, [
      clientMail({ from: `"Bob, your account is locked" <bob@victim.example>, ${victims.join(', ')}`, subject: 'Hello there' }).raw,
      clientMail({ from: `friends: ${victims.join(', ')};`, subject: 'Hello again' }).raw,
    ]);
    await runOnce(config);
    expect(smtp.received.every((r) => r.to.length === 1)).toBe(true);
    // At most one answer per mail, to one address (whether a From like this deserves an
    // answer at all is the sender policy's call, not the outbox's).
    const outside = smtp.received.filter((r) => !r.to[0]!.endsWith('@agency.example'));
    expect(outside.length).toBeLessThanOrEqual(2);
    // Each mail still made its ticket; nothing was lost.
    expect(journal(config).map((j) => j.outcome)).toEqual(['created', 'created']);
  });

  it('"status" from a client gets one summary of their open tickets and opens nothing', async () => {
    const { user, config } = setup('status');
    await appendMail(dovecot, user, [
      clientMail({ from: DANA, subject: 'Refund for order 5521' }).raw,
      clientMail({ from: DANA, subject: 'Our website is down' }).raw,
    ]);
    await runOnce(config);
    const ask = clientMail({ from: DANA, subject: 'status' });
    await appendMail(dovecot, user, [ask.raw]);
    await runOnce(config);
    expect(tickets(config)).toHaveLength(2);
    const answers = to('dana@bakery.example').filter((m) => !m.subject.includes('['));
    expect(answers).toHaveLength(1);
    expect(answers[0]!.inReplyTo).toBe(ask.messageId);
    expect(answers[0]!.text).toMatch(/REF-1000: Refund for order 5521\n\s+received, not started yet, opened (just now|\d+ minutes? ago)/);
    expect(answers[0]!.text).toContain('TEC-1001: Our website is down');
  });

  it('an unknown sender, with clients.allow "known", gets one polite answer and no ticket', async () => {
    const { user, config } = setup('unknown', {
      clients: { allow: 'known', organisations: [{ name: 'Whitfield Bakery', domains: ['bakery.example'] }] },
    });
    const stranger = clientMail({ from: 'Sam Stranger <sam@else.example>', subject: 'Prices?' });
    await appendMail(dovecot, user, [stranger.raw, clientMail({ from: DANA, subject: 'Invoice copy' }).raw]);
    await runOnce(config);
    expect(tickets(config).map((t) => t.client_email)).toEqual(['dana@bakery.example']);
    const answer = to('sam@else.example');
    expect(answer).toHaveLength(1);
    expect(answer[0]!.subject).toBe(`Your message to ${config.public_name}`);
    expect(answer[0]!.inReplyTo).toBe(stranger.messageId);
    expect(answer[0]!.text).toContain('could not match your email address');
  });

  it('SMTP down during a pass: the mail waits in the outbox and goes out once when it is back', async () => {
    const { user, config } = setup('down');
    await smtp.down();
    await appendMail(dovecot, user, [clientMail({ from: DANA, subject: 'Refund please' }).raw]);
    await runOnce(config);
    expect(outbox(config).map((r) => [r.kind, r.status, r.attempts])).toEqual([
      ['ack', 'pending', 1],
      ['assigned', 'pending', 1],
    ]);
    await smtp.up();
    await runOnce(config);
    expect(smtp.received.map((r) => r.to[0]).sort()).toEqual(['dana@bakery.example', 'olivia@agency.example']);
    expect(outbox(config).map((r) => r.status)).toEqual(['sent', 'sent']);
    // Nothing is sent twice by a later pass.
    await runOnce(config);
    expect(smtp.received).toHaveLength(2);
  });

  it('the running daemon delivers beside the mailbox loop and stops on its signal', async () => {
    const { user, config } = setup('loop');
    await appendMail(dovecot, user, [clientMail({ from: DANA, subject: 'Facebook page admin access' }).raw]);
    const stop = new AbortController();
    const daemon = runDaemon(config, { once: false, log: quiet, signal: stop.signal });
    try {
      await waitFor('the first acknowledgement', () => to('dana@bakery.example').length === 1, 30_000);
      // Mail arriving while the daemon waits is answered too.
      await appendMail(dovecot, user, [clientMail({ from: DANA, subject: 'Refund for the second order' }).raw]);
      await waitFor('the second acknowledgement', () => to('dana@bakery.example').length === 2, 30_000);
      await waitFor('both notices', () => to('lindsey@agency.example').length + to('olivia@agency.example').length === 2, 30_000);
    } finally {
      stop.abort();
      await daemon;
    }
    expect(outbox(config).map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
  });
});
