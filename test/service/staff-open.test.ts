import { simpleParser, type ParsedMail } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { runDaemon } from '../../src/service/daemon.js';
import { useDovecot } from '../support/dovecot.js';
import { clientMail } from '../support/emails.js';
import { appendMail } from '../support/mailbox.js';
import { useSmtp } from '../support/smtp.js';
import { configFor, freshUser, journal, quiet, readDb } from '../support/ticketd.js';

// Verified staff open a ticket for a client by writing to the support address with `#client`
// and `#type` lines (README "Email commands"), through the real Dovecot and SMTP receiver.
// Verified means a DMARC pass in our own server's Authentication-Results; a forged staff From
// must not be able to make us mail anyone.

const dovecot = useDovecot();
const smtp = useSmtp();
const OURS = 'mx.agency.example';

function setup(prefix: string, extra: Record<string, unknown> = {}): { user: string; config: Config } {
  const { user, dir } = freshUser(prefix);
  const config = configFor(dir, user, dovecot, {
    smtp: { host: '127.0.0.1', port: smtp.port, from: 'Agency support <support@agency.example>', retry_seconds: [0], allow_plaintext: true },
    reply_addresses: { keys: [{ version: 1, secret: 'the reply secret of these tests' }] },
    mail_auth: { trusted_authserv_ids: [OURS] },
    ...extra,
  });
  return { user, config };
}

const runOnce = (config: Config) => runDaemon(config, { once: true, log: quiet });
const to = (addr: string) => smtp.received.filter((r) => r.to.includes(addr));
const parsed = (raw: string): Promise<ParsedMail> => simpleParser(raw);
const ticketRows = (config: Config) =>
  readDb(config, (db) => db.prepare('SELECT key, type_id, status, assignee, checker, opener_kind, client_email FROM tickets ORDER BY id').all());

/** Lee (a lead) writes to the support address; `passed`: our server saw DMARC pass for agency.example. */
function leeWrites(body: string, passed: boolean, subject = 'Website for the bakery') {
  const auth = passed ? `Authentication-Results: ${OURS}; dmarc=pass (p=reject) header.from=agency.example` : `Authentication-Results: ${OURS}; dmarc=none header.from=agency.example`;
  return `${auth}\nReceived: by ${OURS}\n${clientMail({ from: 'Lee Chen <lee@agency.example>', subject, body }).raw}`;
}

describe('#client: verified staff open a ticket for a client by mail', () => {
  it('opens the ticket for the client (checker the opener), acknowledges the client, keeps the text as the first message, confirms to the opener', async () => {
    const { user, config } = setup('staffopen');
    await appendMail(dovecot, user, [leeWrites('#client Dana Whitfield <Dana@Bakery.example>\n#type tech\n#priority high\n\nDana called: their booking form times out since Monday.\n', true)]);
    await runOnce(config);
    expect(ticketRows(config)).toEqual([{ key: 'TEC-1000', type_id: 'tech', status: 'new', assignee: 'joe', checker: 'lee', opener_kind: 'staff', client_email: 'dana@bakery.example' }]);
    expect(readDb(config, (db) => db.prepare('SELECT priority FROM tickets').get())).toEqual({ priority: 'high' });
    expect(readDb(config, (db) => db.prepare('SELECT visible_text AS text, author_kind AS kind FROM messages').all())).toEqual([
      { text: 'Dana called: their booking form times out since Monday.', kind: 'staff' },
    ]);
    expect(journal(config).map((r) => r.outcome)).toEqual(['created']);

    const toDana = to('dana@bakery.example');
    expect(toDana).toHaveLength(1);
    expect(toDana[0]!.subject).toContain('[TEC-1000]');
    expect(toDana[0]!.text).toContain('We have logged it as request TEC-1000');
    expect(toDana[0]!.header('auto-submitted')).toBe('auto-replied');
    expect(toDana[0]!.raw).not.toContain('+t.');
    expect(toDana[0]!.raw).not.toContain('booking form times out'); // the ack never repeats staff words

    const notice = await parsed(to('joe@agency.example')[0]!.raw);
    expect(notice.text).toContain('booking form times out');
    expect(notice.text).not.toContain('#client');
    const confirmation = await parsed(to('lee@agency.example')[0]!.raw);
    expect(confirmation.subject).toContain('[TEC-1000]');
    expect(confirmation.text).toContain('#client Dana Whitfield <Dana@Bakery.example>: done, the ticket is for dana@bakery.example');
    expect(confirmation.text).toContain('#type tech: done');
    expect(confirmation.text).toContain('TEC-1000 is open for dana@bakery.example, assigned to joe; you are its checker.');
    expect(confirmation.replyTo?.value[0]?.address).toMatch(/^support\+t\./);
  }, 60_000);

  it('an unknown type, an invalid address, a command that needs a ticket: nothing opened, nothing mailed to the address, the confirmation says why', async () => {
    const { user, config } = setup('staffopenbad');
    await appendMail(dovecot, user, [
      leeWrites('#client dana@bakery.example\n#type webiste\n\nTheir site is down.\n', true, 'Site down for the bakery'),
      leeWrites('#client dana@bakery\n#type tech\n\nTheir site is down.\n', true, 'Site down, second try'),
      leeWrites('#client dana@bakery.example\n#tbc\n\nTheir site is down.\n', true, 'Site down, third try'),
      leeWrites('#client support+t.abc@agency.example\n\nLoop me.\n', true, 'Site down, fourth try'),
      // A staff member's address with a +tag is still theirs (the mail lands in their box).
      leeWrites('#client Joe+Clients@agency.example\n\nTest ticket.\n', true, 'Site down, fifth try'),
    ]);
    await runOnce(config);
    expect(ticketRows(config)).toEqual([]);
    expect(journal(config).map((r) => r.outcome)).toEqual(['command', 'command', 'command', 'command', 'command']);
    expect(smtp.received.map((r) => r.to)).toEqual([['lee@agency.example'], ['lee@agency.example'], ['lee@agency.example'], ['lee@agency.example'], ['lee@agency.example']]);
    const texts = await Promise.all(smtp.received.map(async (r) => (await parsed(r.raw)).text!));
    expect(texts[0]).toContain('#type webiste: REFUSED, no request type "webiste" (known: refund, tech, facebook, seo, billing, triage)');
    expect(texts[0]).toContain('No ticket was opened and nothing was sent to anyone');
    expect(texts[1]).toContain('#client dana@bakery: REFUSED, the address');
    expect(texts[2]).toContain('#tbc: REFUSED, not for a new ticket');
    expect(texts[3]).toContain('is our own support address');
    expect(texts[4]).toContain('joe+clients@agency.example is a staff address');
    expect(smtp.received[0]!.subject).toBe('Your mail on Site down for the bakery');
    expect(readDb(config, (db) => db.prepare(`SELECT COUNT(*) AS n FROM events WHERE kind = 'staff_open_refused'`).get())).toEqual({ n: 5 });
  }, 60_000);

  it('a forged staff From (no DMARC pass at our server) cannot: its #client line is text of its own ticket and nobody is mailed', async () => {
    const { user, config } = setup('staffopenforged');
    await appendMail(dovecot, user, [leeWrites('#client victim@stranger.example\n#type tech\n\nBuy cheap watches.\n', false)]);
    await runOnce(config);
    expect(to('victim@stranger.example')).toHaveLength(0);
    expect(to('lee@agency.example')).toHaveLength(0);
    // Handled as an unknown sender: a client ticket for the From address, checked by management, no answer.
    expect(ticketRows(config)).toEqual([expect.objectContaining({ checker: 'management', opener_kind: 'client', client_email: 'lee@agency.example' })]);
    expect(readDb(config, (db) => db.prepare(`SELECT kind FROM events ORDER BY id`).all())).toEqual([{ kind: 'created' }, { kind: 'staff_unverified' }, { kind: 'auto_answer_withheld' }]);
  }, 60_000);

  it('acknowledgements to one client address stay within rate_limits.per_recipient however many tickets staff open for it', async () => {
    const { user, config } = setup('staffopenlimit', { rate_limits: { per_recipient: { count: 2, minutes: 60 } } });
    await appendMail(dovecot, user, [1, 2, 3].map((i) => leeWrites(`#client target@stranger.example\n#type tech\n\nRequest ${i}.\n`, true, `Request number ${i}`)));
    await runOnce(config);
    expect(ticketRows(config)).toHaveLength(3);
    expect(to('target@stranger.example')).toHaveLength(2);
    expect(readDb(config, (db) => db.prepare(`SELECT status, kind FROM outbox WHERE to_addr = 'target@stranger.example' ORDER BY id`).all())).toEqual([
      { status: 'sent', kind: 'ack' },
      { status: 'sent', kind: 'ack' },
      { status: 'held', kind: 'ack' },
    ]);
  }, 60_000);
});
