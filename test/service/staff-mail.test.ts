import { simpleParser, type ParsedMail } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { replyAddress } from '../../src/mail/reply-address.js';
import { runDaemon } from '../../src/service/daemon.js';
import { configFor } from '../support/ticketd.js';
import { useDovecot } from '../support/dovecot.js';
import { clientMail } from '../support/emails.js';
import { appendMail } from '../support/mailbox.js';
import { useSmtp } from '../support/smtp.js';
import { freshUser, quiet, readDb } from '../support/ticketd.js';

// Staff by email through the real Dovecot and SMTP receiver (README "Email commands"): the
// agent answers from their mail client by replying to a notice, commands at the top move the
// ticket, the rest reaches the client; nothing does without a signed address for that sender.

const dovecot = useDovecot();
const smtp = useSmtp();

const DANA = 'Dana Whitfield <dana@bakery.example>';
const SECRET = 'the reply secret of these tests';

function setup(prefix: string, keys = [{ version: 1, secret: SECRET }], extra: Record<string, unknown> = {}): { user: string; config: Config } {
  const { user, dir } = freshUser(prefix);
  const config = configFor(dir, user, dovecot, {
    smtp: { host: '127.0.0.1', port: smtp.port, from: 'Agency support <support@agency.example>', retry_seconds: [0], allow_plaintext: true },
    reply_addresses: { keys },
    ...extra,
  });
  return { user, config };
}

const runOnce = (config: Config) => runDaemon(config, { once: true, log: quiet });
const parsed = (raw: string): Promise<ParsedMail> => simpleParser(raw);
const to = (addr: string) => smtp.received.filter((r) => r.to.includes(addr));
const ticket = (config: Config, key: string) =>
  readDb(config, (db) => db.prepare('SELECT status, assignee, priority, client_wrote AS blue FROM tickets WHERE key = ?').get(key) as Record<string, unknown>);
const events = (config: Config, kind: string) =>
  readDb(config, (db) => db.prepare('SELECT data FROM events WHERE kind = ? ORDER BY id').all(kind) as { data: string }[]).map((e) => JSON.parse(e.data) as Record<string, unknown>);
const journalOutcomes = (config: Config) => readDb(config, (db) => (db.prepare('SELECT outcome FROM journal ORDER BY id').all() as { outcome: string }[]).map((r) => r.outcome));
const replyToOf = (m: ParsedMail): string => m.replyTo?.value[0]?.address ?? '';

/** A multipart mail with files: [filename as written in the header, content type, content]. */
function withFiles(head: string[], text: string, files: [string, string, Buffer][]): string {
  return [
    ...head,
    `Message-ID: <files.${Date.now().toString(36)}.${++n}@mail.example>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    ...files.flatMap(([name, type, content]) => [
      '--b1',
      `Content-Type: ${type}; name="${name}"`,
      `Content-Disposition: attachment; filename="${name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      content.toString('base64').replace(/.{76}/g, '$&\n'),
    ]),
    '--b1--',
    '',
  ].join('\n');
}

let n = 0;
/** A staff member's reply from their mail client: quoted history below, like a real one. */
function staffReply(o: { from: string; to: string; subject: string; inReplyTo?: string; body: string; headers?: string[] }) {
  return clientMail({
    from: o.from,
    to: o.to,
    subject: o.subject,
    messageId: `<staff.${Date.now().toString(36)}.${++n}@agency.example>`,
    headers: o.inReplyTo ? [`In-Reply-To: <${o.inReplyTo}>`, `References: <${o.inReplyTo}>`, ...(o.headers ?? [])] : o.headers,
    body: o.body,
  });
}

/** `from` answers the notice at its signed Reply-To, as a mail client would; one daemon pass reads it. */
async function answerNotice(user: string, config: Config, notice: ParsedMail, from: string, body: string, headers?: string[]) {
  const reply = staffReply({ from, to: replyToOf(notice), subject: `Re: ${notice.subject}`, body, ...(headers ? { headers } : {}) });
  await appendMail(dovecot, user, [reply.raw]);
  await runOnce(config);
  return reply;
}

/** Dana opens a Technical ticket (assigned to joe); returns joe's notice. */
async function opened(user: string, config: Config) {
  const first = clientMail({ from: DANA, subject: 'Our website is down', body: 'Hello,\n\nThe site shows an error since this morning.\n\nDana\n' });
  await appendMail(dovecot, user, [first.raw]);
  await runOnce(config);
  const notices = to('joe@agency.example');
  expect(notices).toHaveLength(1);
  return { first, notice: await parsed(notices[0]!.raw) };
}

const quoted = (notice: ParsedMail) => `On Mon, 23 Nov 2026 at 10:00, Agency support <support@agency.example> wrote:\n${notice.text!.split('\n').map((l) => `> ${l}`).join('\n')}\n`;

describe('staff commands by email', () => {
  it('#tbc and an answer: the client gets the answer once on its thread, without the command or the quote; tbc; one confirmation', async () => {
    const { user, config } = setup('cmdtbc');
    const { first, notice } = await opened(user, config);
    const signed = replyToOf(notice);
    expect(signed).toMatch(/^support\+t\.[a-z2-7]+@agency\.example$/);
    // The client's acknowledgement carries no token.
    for (const r of to('dana@bakery.example')) expect(r.raw).not.toContain('+t.');
    smtp.received.length = 0;

    const reply = staffReply({
      from: 'IT Joe <joe@agency.example>',
      to: signed,
      subject: `Re: ${notice.subject}`,
      inReplyTo: notice.messageId!.slice(1, -1),
      body: `#tbc\n\nHi Dana,\n\nThe site is back up: the certificate had expired.\n\n${quoted(notice)}`,
    });
    await appendMail(dovecot, user, [reply.raw]);
    await runOnce(config);

    const toDana = to('dana@bakery.example');
    expect(toDana).toHaveLength(1);
    const answer = await parsed(toDana[0]!.raw);
    expect(answer.text).toContain('The site is back up: the certificate had expired.');
    expect(answer.text).not.toContain('#tbc');
    expect(answer.text).not.toContain('is yours now');
    // The agent greeted Dana herself: our template adds no second greeting, but signs off.
    expect(answer.text!.match(/^(Hi|Hello)\b/gm)).toEqual(['Hi']);
    expect(answer.text).toContain('Best regards,');
    expect(answer.inReplyTo).toBe(`<${first.messageId}>`);
    expect(answer.subject).toContain('[TEC-1000]');
    expect(answer.from?.value[0]).toEqual({ name: 'IT Joe at Support', address: 'support@agency.example' });
    expect(toDana[0]!.raw).not.toContain('+t.');
    expect(toDana[0]!.raw).not.toContain('X-Ticketd-From-Name');
    expect(ticket(config, 'TEC-1000')).toMatchObject({ status: 'tbc', blue: 0 });

    const toJoe = to('joe@agency.example');
    expect(toJoe).toHaveLength(1);
    const confirmation = await parsed(toJoe[0]!.raw);
    expect(confirmation.text).toContain('#tbc: done');
    expect(confirmation.text).toContain('Your text was sent to the client.');
    expect(confirmation.headers.get('auto-submitted')).toBe('auto-replied');
    expect(replyToOf(confirmation)).toMatch(/^support\+t\./);
    expect(confirmation.inReplyTo).toBe(`<${reply.messageId}>`);

    // The agent's out-of-office answering the confirmation: no loop, no relay, nothing changes.
    smtp.received.length = 0;
    const away = staffReply({
      from: 'joe@agency.example',
      to: replyToOf(confirmation),
      subject: `Automatic reply: ${confirmation.subject}`,
      inReplyTo: confirmation.messageId!.slice(1, -1),
      headers: ['Auto-Submitted: auto-replied'],
      body: 'I am out of the office until Monday.\n',
    });
    await appendMail(dovecot, user, [away.raw]);
    await runOnce(config);
    expect(smtp.received).toHaveLength(0);
    expect(ticket(config, 'TEC-1000')).toMatchObject({ status: 'tbc' });
  }, 60_000);

  it('an agent\'s #assign is refused: nothing relayed, the text kept as a note, the confirmation says why', async () => {
    const { user, config } = setup('cmdassign');
    const { notice } = await opened(user, config);
    smtp.received.length = 0;
    await answerNotice(user, config, notice, 'joe@agency.example', '#assign seth\n\nSeth knows this server better.\n');
    expect(to('dana@bakery.example')).toHaveLength(0);
    expect(ticket(config, 'TEC-1000')).toMatchObject({ assignee: 'joe' });
    expect(events(config, 'note').map((e) => e.text)).toEqual(['Seth knows this server better.']);
    const toJoe = to('joe@agency.example');
    expect(toJoe).toHaveLength(1);
    const text = (await parsed(toJoe[0]!.raw)).text!;
    expect(text).toContain('#assign seth: REFUSED, only leads assign tickets; ask a lead');
    expect(text).toContain('Nothing was sent to the client');
  }, 60_000);

  it('a mistyped #internl never leaks: nothing relayed, nothing applied, kept as a note, the confirmation says why', async () => {
    const { user, config } = setup('cmdtypo');
    const { notice } = await opened(user, config);
    smtp.received.length = 0;
    await answerNotice(user, config, notice, 'joe@agency.example', '#internl\n#priority high\n\nThe client sounds annoyed; their host is cheap.\n');
    expect(to('dana@bakery.example')).toHaveLength(0);
    expect(ticket(config, 'TEC-1000')).toMatchObject({ priority: 'normal' });
    expect(events(config, 'note').map((e) => e.text)).toEqual(['The client sounds annoyed; their host is cheap.']);
    const text = (await parsed(to('joe@agency.example')[0]!.raw)).text!;
    expect(text).toContain('#internl: REFUSED, unknown command #internl');
    expect(text).toContain('Your text is kept on the ticket as an internal note.');
  }, 60_000);

  it("an outsider writing with joe's valid token marks it leaked: from then on \"From: joe\" without a DMARC pass acts on nothing", async () => {
    const { user, config } = setup('leaked');
    const { notice } = await opened(user, config);
    await answerNotice(user, config, notice, 'mallory@elsewhere.example', 'Found this address in a forwarded mail.\n');
    expect(events(config, 'reply_address_exposed')).toEqual([{ usedBy: 'mallory@elsewhere.example' }]);
    const before = ticket(config, 'TEC-1000');
    smtp.received.length = 0;
    await answerNotice(user, config, notice, 'IT Joe <joe@agency.example>', '#close\n\nClosing this, no charge.\n');
    expect(ticket(config, 'TEC-1000')).toEqual(before);
    expect(to('dana@bakery.example')).toHaveLength(0);
    expect(events(config, 'staff_mail')).toHaveLength(0);
    expect(events(config, 'reply_address_refused').at(-1)).toEqual(expect.objectContaining({ reason: expect.stringContaining('copied to someone outside') }));
  }, 60_000);

  it('a valid token with another staff From, a tampered token, an expired token: nothing changes; the owner hears once a day', async () => {
    const { user, config } = setup('cmdrefuse');
    const { notice } = await opened(user, config);
    smtp.received.length = 0;
    const signed = replyToOf(notice);
    const at = signed.indexOf('@');
    const tampered = `${signed.slice(0, at - 2)}${signed[at - 2] === 'a' ? 'b' : 'a'}${signed.slice(at)}`;
    const expired = replyAddress(config, { ticketId: 1, staffId: 'joe', issued: new Date(Date.now() - 120 * 86_400_000) })!;
    const before = ticket(config, 'TEC-1000');
    const mails = [
      staffReply({ from: 'olivia@agency.example', to: signed, subject: `Re: ${notice.subject}`, body: '#close\n\nAll done, Dana.\n' }),
      staffReply({ from: 'joe@agency.example', to: tampered, subject: `Re: ${notice.subject}`, body: '#close\n\nAll done, Dana.\n' }),
      staffReply({ from: 'joe@agency.example', to: expired, subject: `Re: ${notice.subject}`, body: '#close\n\nAll done, Dana.\n' }),
    ];
    await appendMail(dovecot, user, mails.map((m) => m.raw));
    await runOnce(config);
    expect(ticket(config, 'TEC-1000')).toEqual(before);
    expect(to('dana@bakery.example')).toHaveLength(0);
    expect(to('olivia@agency.example')).toHaveLength(0);
    // Three refusals, all about joe's address: one explanation.
    const toJoe = to('joe@agency.example');
    expect(toJoe).toHaveLength(1);
    expect((await parsed(toJoe[0]!.raw)).text).toContain('changed nothing on the ticket');
    expect(events(config, 'reply_address_refused')).toHaveLength(3);
    expect(events(config, 'staff_mail')).toHaveLength(0);
  }, 60_000);

  it('a client reply is forwarded to the assignee with a signed reply address; the agent\'s reply to it reaches the client', async () => {
    const { user, config } = setup('cmdfwd');
    const { first } = await opened(user, config);
    smtp.received.length = 0;
    const again = clientMail({ from: DANA, subject: 'Re: [TEC-1000] Our website is down', body: 'It is still down, customers are calling.\n', headers: [`In-Reply-To: <${first.messageId}>`] });
    await appendMail(dovecot, user, [again.raw]);
    await runOnce(config);
    const forwards = to('joe@agency.example');
    expect(forwards).toHaveLength(1);
    expect(to('dana@bakery.example')).toHaveLength(0);
    const forward = await parsed(forwards[0]!.raw);
    expect(forward.text).toContain('It is still down, customers are calling.');
    expect(replyToOf(forward)).toMatch(/^support\+t\./);
    expect(ticket(config, 'TEC-1000')).toMatchObject({ blue: 1 });

    smtp.received.length = 0;
    const reply = staffReply({ from: 'joe@agency.example', to: replyToOf(forward), subject: `Re: ${forward.subject}`, body: `On it, back within the hour.\n\n${quoted(forward)}` });
    await appendMail(dovecot, user, [reply.raw]);
    await runOnce(config);
    const toDana = to('dana@bakery.example');
    expect(toDana).toHaveLength(1);
    const answer = (await parsed(toDana[0]!.raw)).text!;
    expect(answer).toContain('On it, back within the hour.');
    expect(answer).not.toContain('customers are calling');
    expect(ticket(config, 'TEC-1000')).toMatchObject({ status: 'open', blue: 0 });
  }, 60_000);

  it('an HTML reply from a phone: the client gets the new text, without the quote or the phone footer unless relay.keep_signature', async () => {
    for (const keep of [false, true]) {
      const { user, dir } = freshUser(keep ? 'cmdsigkeep' : 'cmdsig');
      const config = configFor(dir, user, dovecot, {
        smtp: { host: '127.0.0.1', port: smtp.port, from: 'Agency support <support@agency.example>', retry_seconds: [0], allow_plaintext: true },
        reply_addresses: { keys: [{ version: 1, secret: SECRET }] },
        relay: { keep_signature: keep },
      });
      smtp.received.length = 0;
      const { notice } = await opened(user, config);
      smtp.received.length = 0;
      // The text part's French attribution and the HTML part's Apple Mail quote say the same.
      const attribution = 'Le 23 nov. 2026 à 10:00, Agency support <support@agency.example> a écrit :';
      const text = `C'est réparé, le certificat avait expiré.\n\nEnvoyé de mon iPhone\n\n> ${attribution}\n>\n${notice.text!.split('\n').map((l) => `> ${l}`).join('\n')}\n`;
      const html = `<html><body dir="auto">C'est réparé, le certificat avait expiré.<div><br></div><div><div dir="ltr">Envoyé de mon iPhone</div><div dir="ltr"><br><blockquote type="cite">${attribution.replace('<', '&lt;').replace('>', '&gt;')}<br><br></blockquote></div><blockquote type="cite"><div dir="ltr">${notice.text!.split('\n').join('<br>')}</div></blockquote></div></body></html>`;
      const b = 'phone-reply-boundary';
      const raw = [
        'From: IT Joe <joe@agency.example>',
        `To: ${replyToOf(notice)}`,
        `Subject: Re: ${notice.subject}`,
        'Date: Mon, 23 Nov 2026 10:05:00 +0100',
        `Message-ID: <phone.${keep}.${Date.now()}@agency.example>`,
        `In-Reply-To: ${notice.messageId}`,
        'MIME-Version: 1.0',
        `Content-Type: multipart/alternative; boundary="${b}"`,
        '',
        `--${b}`,
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from(text).toString('base64'),
        `--${b}`,
        'Content-Type: text/html; charset=utf-8',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from(html).toString('base64'),
        `--${b}--`,
        '',
      ].join('\r\n');
      await appendMail(dovecot, user, [raw]);
      await runOnce(config);
      const toDana = to('dana@bakery.example');
      expect(toDana).toHaveLength(1);
      const answer = (await parsed(toDana[0]!.raw)).text!;
      expect(answer).toContain("C'est réparé, le certificat avait expiré.");
      expect(answer).not.toContain('a écrit');
      expect(answer).not.toContain('is yours now');
      if (keep) expect(answer).toContain("C'est réparé, le certificat avait expiré.\n\nEnvoyé de mon iPhone");
      else expect(answer).not.toContain('Envoyé de mon iPhone');
    }
  }, 90_000);

  it('the attachments of the agent\'s reply reach the client with the answer', async () => {
    const { user, config } = setup('cmdattach');
    const { notice } = await opened(user, config);
    smtp.received.length = 0;
    const content = Buffer.from('fixed booking form settings\n').toString('base64');
    const raw = [
      'From: joe@agency.example',
      `To: ${replyToOf(notice)}`,
      `Subject: Re: ${notice.subject}`,
      `Message-ID: <attach.${Date.now().toString(36)}@agency.example>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Hi Dana, the settings we changed are attached.',
      '--b1',
      'Content-Type: text/plain; name="settings.txt"',
      'Content-Disposition: attachment; filename="settings.txt"',
      'Content-Transfer-Encoding: base64',
      '',
      content,
      '--b1--',
      '',
    ].join('\n');
    await appendMail(dovecot, user, [raw]);
    await runOnce(config);
    const toDana = to('dana@bakery.example');
    expect(toDana).toHaveLength(1);
    const answer = await parsed(toDana[0]!.raw);
    expect(answer.text).toContain('the settings we changed are attached');
    expect(answer.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['settings.txt', 'fixed booking form settings\n']]);
    expect((await parsed(to('joe@agency.example')[0]!.raw)).text).toContain('with 1 attachment');
  }, 60_000);

  it('a token signed with the previous key still verifies after rotation', async () => {
    const { user, config } = setup('cmdrotate');
    const { notice } = await opened(user, config);
    smtp.received.length = 0;
    const rotated: Config = { ...config, reply_addresses: { ...config.reply_addresses!, keys: [{ version: 1, secret: SECRET }, { version: 2, secret: 'the next secret, rotated in' }] } };
    await answerNotice(user, rotated, notice, 'joe@agency.example', '#priority high\n');
    expect(ticket(config, 'TEC-1000')).toMatchObject({ priority: 'high' });
    const confirmation = await parsed(to('joe@agency.example')[0]!.raw);
    expect(confirmation.text).toContain('#priority high: done');
  }, 60_000);

  it("a client's files go with the forward to the assignee (names cleaned, within the size caps; the rest named) and the agent's file reaches the client", async () => {
    const { user, config } = setup('cmdfwdfiles', undefined, { limits: { attachment_max_bytes: 2000, mail_attachments_max_bytes: 3000 } });
    const { first } = await opened(user, config);
    smtp.received.length = 0;
    const again = withFiles(
      [`From: ${DANA}`, 'To: support@agency.example', 'Subject: Re: [TEC-1000] Our website is down', `In-Reply-To: <${first.messageId}>`],
      'Here are the error page and the log.',
      [
        ['../../etc/error<page>.txt', 'text/plain', Buffer.from('HTTP 502 Bad Gateway\n')],
        ['server.log', 'application/octet-stream', Buffer.alloc(1500, 'l')],
        ['core.dump', 'application/octet-stream', Buffer.alloc(1800, 'c')], // stored, but over the mail's budget
        ['video.mov', 'video/quicktime', Buffer.alloc(2500, 'v')], // over the per-file cap: never stored
      ],
    );
    await appendMail(dovecot, user, [again]);
    await runOnce(config);
    const forwards = to('joe@agency.example');
    expect(forwards).toHaveLength(1);
    const forward = await parsed(forwards[0]!.raw);
    expect(forward.attachments.map((a) => [a.filename, a.content.length])).toEqual([
      ['error_page_.txt', 21],
      ['server.log', 1500],
    ]);
    expect(forward.attachments[0]!.content.toString()).toBe('HTTP 502 Bad Gateway\n');
    expect(forward.text).toContain('Not attached (see the ticket: ticketd show TEC-1000)');
    expect(forward.text).toContain('core.dump: 1800 bytes: the mail would carry more than limits.mail_attachments_max_bytes (3000)');
    expect(forward.text).toContain('video.mov: 2500 bytes, over limits.attachment_max_bytes: not stored');
    expect(to('dana@bakery.example')).toHaveLength(0);

    // The agent answers the forward with a file of their own: it reaches the client.
    smtp.received.length = 0;
    const answer = withFiles(
      ['From: IT Joe <joe@agency.example>', `To: ${replyToOf(forward)}`, `Subject: Re: ${forward.subject}`, `In-Reply-To: ${forward.messageId}`],
      `Fixed, the new config is attached.\n\n${quoted(forward)}`,
      [['nginx.conf', 'text/plain', Buffer.from('proxy_read_timeout 60s;\n')]],
    );
    await appendMail(dovecot, user, [answer]);
    await runOnce(config);
    const toDana = to('dana@bakery.example');
    expect(toDana).toHaveLength(1);
    const relayed = await parsed(toDana[0]!.raw);
    expect(relayed.text).toContain('Fixed, the new config is attached.');
    expect(relayed.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['nginx.conf', 'proxy_read_timeout 60s;\n']]);
    // The client's own files do not come back to them.
    expect(toDana[0]!.raw).not.toContain('HTTP 502');
  }, 60_000);

  it("a client's mail of 300 empty files (same name): the forward carries 50 and names 20 of the rest", async () => {
    const { user, config } = setup('cmdfwdmany');
    const { first } = await opened(user, config);
    smtp.received.length = 0;
    const flood = withFiles(
      [`From: ${DANA}`, 'To: support@agency.example', 'Subject: Re: [TEC-1000] Our website is down', `In-Reply-To: <${first.messageId}>`],
      'Some files.',
      Array.from({ length: 300 }, (): [string, string, Buffer] => ['empty.txt', 'text/plain', Buffer.alloc(0)]),
    );
    await appendMail(dovecot, user, [flood]);
    await runOnce(config);
    const forwards = to('joe@agency.example');
    expect(forwards).toHaveLength(1);
    const forward = await parsed(forwards[0]!.raw);
    expect(forward.attachments).toHaveLength(50);
    expect(forward.text!.match(/the mail carries at most 50 files/g)).toHaveLength(20);
    expect(forward.text).toContain('230 more files: not listed here');
  }, 60_000);

  it('a reply that copies the client in is recorded, not sent again, and warned of; the client answering all lands on the ticket as theirs', async () => {
    const { user, config } = setup('cmdcc');
    const { notice } = await opened(user, config);
    smtp.received.length = 0;
    const reply = await answerNotice(user, config, notice, 'joe@agency.example', 'Hi Dana, fixed.\n', ['Cc: Dana <dana@bakery.example>']);
    expect(to('dana@bakery.example')).toHaveLength(0); // she had it from Joe directly
    expect(ticket(config, 'TEC-1000')).toMatchObject({ status: 'open', blue: 0 });
    expect(events(config, 'staff_replied')).toEqual([expect.objectContaining({ direct: true, to: 'dana@bakery.example' })]);
    expect(events(config, 'reply_address_exposed')).toEqual([{ to: ['dana@bakery.example'] }]);
    const confirmation = (await parsed(to('joe@agency.example')[0]!.raw)).text!.replace(/\s+/g, ' ');
    expect(confirmation).toContain('got it from you directly, so it was not sent again');
    expect(confirmation).toContain('Warning: your mail also went to dana@bakery.example');

    // Dana answers all: to Joe and the signed address. Her reply, not a third party's.
    smtp.received.length = 0;
    const answer = clientMail({ from: DANA, to: `joe@agency.example, ${replyToOf(notice)}`, subject: `Re: ${notice.subject}`, body: 'Thanks, it works again.\n', headers: [`In-Reply-To: <${reply.messageId}>`] });
    await appendMail(dovecot, user, [answer.raw]);
    await runOnce(config);
    expect(ticket(config, 'TEC-1000')).toMatchObject({ blue: 1 });
    expect(events(config, 'third_party_wrote')).toHaveLength(0);
    expect(events(config, 'reply_address_refused')).toHaveLength(0);
    const forward = await parsed(to('joe@agency.example')[0]!.raw);
    expect(forward.text).toContain('Thanks, it works again.');

    // Dana now holds joe's address for the ticket, and this server reports no DMARC result:
    // a mail she writes as "From: joe" acts on nothing and reaches nobody.
    smtp.received.length = 0;
    await answerNotice(user, config, notice, 'IT Joe <joe@agency.example>', '#close\n\nClosing this, no charge.\n');
    expect(ticket(config, 'TEC-1000')).toMatchObject({ status: 'open' });
    expect(to('dana@bakery.example')).toHaveLength(0);
    expect(events(config, 'staff_mail')).toHaveLength(1);
    expect(events(config, 'reply_address_refused')).toEqual([expect.objectContaining({ reason: expect.stringContaining('copied to someone outside') })]);
    const explained = to('joe@agency.example');
    expect(explained).toHaveLength(1);
    expect((await parsed(explained[0]!.raw)).text).toContain('changed nothing on the ticket');
  }, 60_000);

  it("the agent's out-of-office answering a forward: no loop, no relay, nothing changes", async () => {
    const { user, config } = setup('cmdfwdooo');
    const { first } = await opened(user, config);
    await appendMail(dovecot, user, [clientMail({ from: DANA, subject: 'Re: [TEC-1000] Our website is down', body: 'Still down.\n', headers: [`In-Reply-To: <${first.messageId}>`] }).raw]);
    await runOnce(config);
    const forward = await parsed(to('joe@agency.example').at(-1)!.raw);
    expect(forward.text).toContain('Still down.');
    const before = ticket(config, 'TEC-1000');
    smtp.received.length = 0;
    // No Auto-Submitted header at all: the subject and the first line say it.
    const away = staffReply({ from: 'joe@agency.example', to: replyToOf(forward), subject: `Out of Office: ${forward.subject}`, inReplyTo: forward.messageId!.slice(1, -1), body: 'I am out of the office until Monday with no access to email.\n' });
    await appendMail(dovecot, user, [away.raw]);
    await runOnce(config);
    expect(smtp.received).toHaveLength(0);
    expect(ticket(config, 'TEC-1000')).toEqual(before);
    expect(events(config, 'staff_mail')).toHaveLength(0);
    expect(journalOutcomes(config).at(-1)).toBe('ignored');
  }, 60_000);

  it('an auto-responder without auto-reply headers answering each confirmation: held after rate_limits.staff_per_ticket, so the loop stops', async () => {
    const { user, config } = setup('cmdloop', undefined, { rate_limits: { staff_per_ticket: { count: 2, minutes: 60 } } });
    const { notice } = await opened(user, config);
    let last = notice;
    for (let i = 0; i < 3; i++) {
      smtp.received.length = 0;
      const mail = staffReply({ from: 'joe@agency.example', to: replyToOf(last), subject: `Re: ${last.subject}`, inReplyTo: last.messageId!.slice(1, -1), body: `Thank you for your email, reference ${i}.\n` });
      await appendMail(dovecot, user, [mail.raw]);
      await runOnce(config);
      const toJoe = to('joe@agency.example');
      if (i < 2) {
        expect(toJoe).toHaveLength(1);
        last = await parsed(toJoe[0]!.raw);
      } else expect(toJoe).toHaveLength(0);
    }
    expect(readDb(config, (db) => db.prepare(`SELECT status FROM outbox WHERE kind = 'confirmation' ORDER BY id`).all())).toEqual([{ status: 'sent' }, { status: 'sent' }, { status: 'held' }]);
    expect(events(config, 'mail_held')).toEqual([expect.objectContaining({ mail: 'confirmation', reason: expect.stringContaining('2 confirmations and forwards to joe@agency.example about this ticket in 60 minutes') })]);
  }, 60_000);
});
