import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { runDaemon } from '../../src/service/daemon.js';
import { useDovecot } from '../support/dovecot.js';
import { clientMail } from '../support/emails.js';
import { appendMail } from '../support/mailbox.js';
import { useSmtp, type Received } from '../support/smtp.js';
import { configFor, freshUser, quiet, tickets } from '../support/ticketd.js';

// A stranger's control characters, display name and References header, in through the real
// Dovecot and out to a real SMTP receiver: what reaches the bytes of our own mail.

const dovecot = useDovecot();
const smtp = useSmtp();

function setup(prefix: string, extra: Record<string, unknown> = {}): { user: string; config: Config } {
  const { user, dir } = freshUser(prefix);
  const config = configFor(dir, user, dovecot, {
    smtp: { host: '127.0.0.1', port: smtp.port, from: 'Agency support <support@agency.example>', retry_seconds: [0], allow_plaintext: true },
    ...extra,
  });
  return { user, config };
}

const runOnce = (config: Config) => runDaemon(config, { once: true, log: quiet });
const to = (addr: string) => smtp.received.filter((r) => r.to.includes(addr));

// Raw or encoded (=1B in a Q-encoded word, or inside base64, which the decoded fields show).
const CONTROL_OR_BIDI = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
function expectClean(m: Received): void {
  expect(m.raw).not.toMatch(CONTROL_OR_BIDI);
  expect(m.raw).not.toMatch(/=1B|=07|=E2=80=AE/i);
  for (const part of [m.subject, m.text, m.html]) expect(part).not.toMatch(CONTROL_OR_BIDI);
}

describe('hostile text never reaches our mail', () => {
  it('ESC, BEL and a bidi override in the subject (raw and encoded) and the body: not in the acknowledgement or the notice', async () => {
    const { user, config } = setup('esc');
    const raw = clientMail({
      from: 'Dana Whitfield <dana@bakery.example>',
      subject: 'Refund \u001b]0;owned\u0007 =?utf-8?q?now_=1B[2J=07_=E2=80=AEfdp.exe?=',
      body: 'Please refund \u001b[31minvoice 4411\u001b[0m.\u0007\n\u202eThanks\n',
    }).raw;
    await appendMail(dovecot, user, [raw]);
    await runOnce(config);
    expect(tickets(config)[0]!.subject).toBe('Refund ]0;owned now [2J fdp.exe');
    const [ack] = to('dana@bakery.example');
    const [notice] = to('olivia@agency.example');
    expect(ack!.subject).toBe('[REF-1000] Refund ]0;owned now [2J fdp.exe');
    expect(notice!.text).toContain('Please refund [31minvoice 4411[0m.');
    expectClean(ack!);
    expectClean(notice!);
  });

  it('a display name that reads like a message gets a neutral greeting, never its text', async () => {
    const { user, config } = setup('name');
    const from = '=?utf-8?q?Bob,=0A=0AYour_account_is_locked,_verify_at_http=3A//bank.example.net/?= <bob@bakery.example>';
    await appendMail(dovecot, user, [clientMail({ from, subject: 'Website is down' }).raw]);
    await runOnce(config);
    const [ack] = to('bob@bakery.example');
    expect(ack!.text).toMatch(/^Hello,$/m);
    for (const m of smtp.received) expect(`${m.raw}\n${m.text}`).not.toMatch(/locked|bank\.example/);
  });

  it('5,000 References ids give an acknowledgement with 20 References ids, the thread root first', async () => {
    const { user, config } = setup('refs');
    const refs = Array.from({ length: 5000 }, (_, i) => `<ref${i}.long-thread-identifier@mail.bakery.example>`);
    const mail = clientMail({ from: 'Dana <dana@bakery.example>', subject: 'Invoice copy', headers: [`References: ${refs.join('\n ')}`] });
    await appendMail(dovecot, user, [mail.raw]);
    await runOnce(config);
    const [ack] = to('dana@bakery.example');
    expect(ack!.references).toHaveLength(20);
    expect(ack!.references[0]).toBe('ref0.long-thread-identifier@mail.bakery.example');
    expect(ack!.references.at(-1)).toBe(mail.messageId);
    const header = /^References:.*(?:\r\n[ \t].*)*/im.exec(ack!.raw)![0];
    expect(header.length).toBeLessThan(2048);
  });

  it('an unknown sender is answered without their subject or name', async () => {
    const { user, config } = setup('stranger', { clients: { allow: 'known', organisations: [{ name: 'Bakery', domains: ['bakery.example'] }] } });
    await appendMail(dovecot, user, [clientMail({ from: 'Cheap Pills <sam@else.example>', subject: 'Cheap pills, best price \u001b[5m' }).raw]);
    await runOnce(config);
    const [answer] = to('sam@else.example');
    expect(answer!.subject).toBe(`Your message to ${config.public_name}`);
    expect(`${answer!.raw}\n${answer!.text}\n${answer!.html}`).not.toMatch(/pills/i);
    expectClean(answer!);
  });
});
