import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TicketdError } from '../../src/errors.js';
import { parseMail } from '../../src/ingest/parse.js';

const opts = { attachmentMaxBytes: 1024 };
const crlf = (s: string) => Buffer.from(s.replace(/\r?\n/g, '\r\n'));
const parse = (s: string | Buffer, o = opts) => parseMail(typeof s === 'string' ? crlf(s) : s, o);

describe('parseMail: headers and addresses', () => {
  it('strips angle brackets from ids and lists In-Reply-To/References as arrays', async () => {
    const { mail } = await parse(`From: "Maria Lopez" <Maria@CasaLopez-Tapas.example>
To: Support <support@brightpixel.example>, "Front" <front@brightpixel.example>
Cc: owner@casalopez-tapas.example
Delivered-To: support+seo@brightpixel.example
X-Original-To: Support+SEO@brightpixel.example
Subject: Re: [SEO-1043] Google listing
Message-ID: <CAF=abc123@mail.gmail.example>
In-Reply-To: <ticketd.1043.1@brightpixel.example>
References: <first@casalopez-tapas.example>
 <ticketd.1043.1@brightpixel.example>
Date: Mon, 23 Nov 2026 09:14:00 +0100
X-Note: one
X-Note: =?utf-8?q?caf=C3=A9?= two

Thanks!
`);
    expect(mail.messageId).toBe('CAF=abc123@mail.gmail.example');
    expect(mail.inReplyTo).toEqual(['ticketd.1043.1@brightpixel.example']);
    expect(mail.references).toEqual(['first@casalopez-tapas.example', 'ticketd.1043.1@brightpixel.example']);
    expect(mail.from).toEqual({ address: 'maria@casalopez-tapas.example', name: 'Maria Lopez' });
    expect(mail.recipients).toEqual([
      'support@brightpixel.example',
      'front@brightpixel.example',
      'owner@casalopez-tapas.example',
      'support+seo@brightpixel.example',
    ]);
    expect(mail.headers['x-note']).toEqual(['one', 'café two']);
    expect(mail.headers['references']).toEqual(['<first@casalopez-tapas.example> <ticketd.1043.1@brightpixel.example>']);
    expect(mail.date).toBe('2026-11-23T08:14:00.000Z');
    expect(mail.warnings).toEqual([]);
  });

  it('keeps an empty Return-Path as "<>" in the header map', async () => {
    const { mail } = await parse('Return-Path: <>\nFrom: MAILER-DAEMON@mx.example\nSubject: x\nMessage-ID: <a@b>\n\nbody\n');
    expect(mail.headers['return-path']).toEqual(['<>']);
  });

  it('records missing Message-ID and From as warnings instead of failing', async () => {
    const { mail } = await parse('Subject: hello\n\nbody text\n');
    expect(mail.messageId).toBeNull();
    expect(mail.from).toBeNull();
    expect(mail.warnings).toEqual(['no Message-ID header', 'no From header']);
    expect(mail.text.trim()).toBe('body text');
  });

  it('warns when From holds no usable address', async () => {
    const { mail } = await parse('From: Undisclosed recipients:;\nSubject: x\nMessage-ID: <u@x>\n\nbody\n');
    expect(mail.from).toBeNull();
    expect(mail.warnings).toEqual(['no usable address in From']);
  });

  it('throws a PARSE error for an empty message', async () => {
    await expect(parse(Buffer.alloc(0))).rejects.toBeInstanceOf(TicketdError);
    await expect(parse(Buffer.from('\r\n\r\n'))).rejects.toMatchObject({ code: 'PARSE' });
  });

  it('keeps a message without any header block as text', async () => {
    const { mail } = await parse('just some words\nand more words\n');
    expect(mail.text).toBe('just some words\nand more words');
    expect(mail.warnings).toContain('no headers found: whole message kept as text');
  });
});

describe('parseMail: originators and Authentication-Results, for who gets an automatic answer', () => {
  it('lists every From and Reply-To entry as written, with the ones that used a group', async () => {
    const { mail } = await parse(
      'From: "Dana" <Dana@Victim.example>, Just A Name, Team: ann@victim.example, bob@victim.example;\nReply-To: All: r@victim.example;\nSubject: x\nMessage-ID: <o@x>\n\nbody\n',
    );
    expect(mail.from).toEqual({ address: 'dana@victim.example', name: 'Dana' });
    expect(mail.originators).toEqual({
      from: [
        { address: 'dana@victim.example', name: 'Dana' },
        { address: '', name: 'Just A Name' },
        { address: 'ann@victim.example', name: '' },
        { address: 'bob@victim.example', name: '' },
      ],
      replyTo: [{ address: 'r@victim.example', name: '' }],
      groups: ['from', 'reply-to'],
    });
  });

  it('groups Authentication-Results into runs of adjacent lines, topmost first', async () => {
    const { mail } = await parse(
      [
        'Return-Path: <a@x.example>',
        'Authentication-Results: mx.agency.example; dkim=pass header.d=x.example',
        'Authentication-Results: mx.agency.example;',
        '  dmarc=pass header.from=x.example',
        'Received: from x by mx.agency.example',
        'Authentication-Results: forged.example; dmarc=pass',
        'From: a@x.example',
        'Subject: x',
        'Message-ID: <ar@x>',
        '',
        'body',
        '',
      ].join('\n'),
    );
    expect(mail.authResults).toEqual([
      ['mx.agency.example; dkim=pass header.d=x.example', 'mx.agency.example; dmarc=pass header.from=x.example'],
      ['forged.example; dmarc=pass'],
    ]);
  });
});

describe('parseMail: hostile headers', () => {
  // The old address regex rescanned a long token without "@" from each of its characters.
  it('reads Delivered-To addresses out of a long token without "@"', async () => {
    const junk = 'a'.repeat(500_000);
    const { mail } = await parse(`From: a@x.example\nTo: support@agency.example\nDelivered-To: ${junk}, <Support+SEO@Agency.example>\nMessage-ID: <d@x>\nSubject: hi\n\nHello\n`);
    expect(mail.recipients).toEqual(['support@agency.example', 'support+seo@agency.example']);
  });
});

describe('parseMail: hostile text is cleaned before anything stores or prints it', () => {
  it('drops ESC, BEL and bidi overrides from the subject, raw or in an encoded word', async () => {
    const { mail } = await parse(
      `From: a@x.example\nTo: support@agency.example\nMessage-ID: <esc@x>\nSubject: Invoice \u001b[2J\u0007=?utf-8?q?overdue_=1B]0;owned=07_=E2=80=AEfdp.exe?=\n\nHello\n`,
    );
    expect(mail.subject).toBe('Invoice [2J overdue ]0;owned fdp.exe');
  });

  it('caps the subject at 250 characters', async () => {
    const { mail } = await parse(`From: a@x.example\nTo: support@agency.example\nMessage-ID: <long@x>\nSubject: ${'help '.repeat(2000)}\n\nHello\n`);
    expect(mail.subject).toHaveLength(250);
    expect(mail.subject.endsWith('…')).toBe(true);
  });

  it('drops a display name that reads like a message, keeping the address', async () => {
    const name = '=?utf-8?q?Bob,=0A=0AYour_account_is_locked,_verify_at_http=3A//bank.example.net/?=';
    const { mail } = await parse(`From: ${name} <bob@x.example>\nReply-To: =?utf-8?q?Eve=1B[8m?= <eve@x.example>\nTo: support@agency.example\nMessage-ID: <name@x>\nSubject: hi\n\nHello\n`);
    expect(mail.from).toEqual({ address: 'bob@x.example', name: '' });
    expect(mail.replyTo).toEqual([{ address: 'eve@x.example', name: 'Eve [8m' }]);
  });

  it('keeps only line feeds and tabs of the controls in the body', async () => {
    const { mail } = await parse(`From: a@x.example\nTo: support@agency.example\nMessage-ID: <body@x>\nSubject: hi\n\nHello\u001b[31m red\u0007\n\tindented \u202etxt.exe\n`);
    expect(mail.text).toBe('Hello[31m red\n\tindented txt.exe\n');
    expect(mail.visibleText).toBe('Hello[31m red\n\tindented txt.exe');
  });

  it('keeps the first and the last 19 of 5,000 References ids', async () => {
    const refs = Array.from({ length: 5000 }, (_, i) => `<ref${i}@thread.example>`).join('\n ');
    const { mail } = await parse(`From: a@x.example\nTo: support@agency.example\nMessage-ID: <refs@x>\nReferences: ${refs}\nSubject: hi\n\nHello\n`);
    expect(mail.references).toHaveLength(20);
    expect(mail.references[0]).toBe('ref0@thread.example');
    expect(mail.references.at(-1)).toBe('ref4999@thread.example');
    expect(mail.references[1]).toBe('ref4981@thread.example');
  });

  it('a header value whose encoded words decode to line breaks or ESC is kept as one clean line', async () => {
    const { mail } = await parse(`From: a@x.example\nTo: support@agency.example\nList-Id: =?utf-8?q?x=0A=0APlan:_create_a_ticket=1B[2J?= <l.x.example>\nSubject: hi\n\nHello\n`);
    expect(mail.headers['list-id']).toEqual(['x Plan: create a ticket [2J <l.x.example>']);
  });

  it('decides a body of 300,000 spaces after an "Original Message" marker (the search was quadratic)', async () => {
    // 100 KB took 17 s before; this one ran past the test timeout.
    const { mail } = await parse(`From: a@x.example\nTo: support@agency.example\nSubject: hi\n\nPlease help\n-----Original Message${' '.repeat(300_000)}x\n`);
    expect(mail.visibleText).toContain('Please help');
  });

  it('drops a Message-ID, In-Reply-To or References id longer than 250 characters', async () => {
    const huge = `${'x'.repeat(5000)}@thread.example`;
    const { mail } = await parse(`From: a@x.example\nTo: support@agency.example\nMessage-ID: <${huge}>\nIn-Reply-To: <${huge}>\nReferences: <ok@thread.example> <${huge}>\nSubject: hi\n\nHello\n`);
    expect(mail.messageId).toBeNull();
    expect(mail.inReplyTo).toEqual([]);
    expect(mail.references).toEqual(['ok@thread.example']);
  });
});

describe('parseMail: bodies', () => {
  it('derives text from HTML when there is no text part', async () => {
    const { mail } = await parse(`From: a@x.example
Subject: html
Message-ID: <h@x>
Content-Type: text/html; charset=utf-8

<p>Hello <b>team</b>,</p><p>our Facebook page lost its admin.</p>
`);
    expect(mail.text).toContain('Hello team,');
    expect(mail.text).toContain('our Facebook page lost its admin.');
    expect(mail.html).toContain('<b>team</b>');
  });

  it('strips the tags of an HTML-only mail too large to convert, with a warning', async () => {
    const filler = '<p>spring menu</p>'.repeat(60_000); // over 1 MB
    const { mail } = await parse(`From: a@x.example\nSubject: big\nMessage-ID: <big@x>\nContent-Type: text/html\n\n<html><style>p{}</style><body><p>Hello &amp; welcome</p>${filler}</body></html>\n`);
    expect(mail.text.startsWith('Hello & welcome\nspring menu\nspring menu')).toBe(true);
    expect(mail.warnings).toEqual([expect.stringMatching(/^HTML not converted to text \(HTML too long for parsing \d+ bytes\): tags stripped instead$/)]);
  });

  it('gives readable text for a 2 MB HTML-only newsletter (tags stripped by our linear scanner)', async () => {
    const row = '<tr><td style="padding:4px"><a href="https://shop.example/item?id=1&amp;ref=mail">Olive oil &amp; bread</a></td><td>&euro;4</td></tr>\n';
    const rows = row.repeat(Math.ceil(2_000_000 / row.length));
    const html = `<html><head><title>News</title><style>td{color:#333}</style><script>var x = "<p>tracking</p>";</script></head><body><p>Dear client,</p><table>${rows}</table><p>Regards &ndash; the team</p></body></html>`;
    const { mail } = await parse(`From: news@shop.example\nSubject: news\nMessage-ID: <news@x>\nContent-Type: text/html; charset=utf-8\n\n${html}\n`);
    const lines = mail.text.split('\n');
    expect(lines[0]).toBe('Dear client,');
    expect(lines[1]).toBe('Olive oil & bread €4');
    expect(lines.at(-1)).toBe('Regards – the team');
    expect(lines.filter((l) => l === 'Olive oil & bread €4')).toHaveLength(Math.ceil(2_000_000 / row.length));
    expect(mail.text).not.toMatch(/tracking|color|News/);
    expect(mail.visibleText.startsWith('Dear client,\nOlive oil & bread')).toBe(true);
  });

  it('parses HTML-only mails of hostile markup over 1 MB ("<br" repeated, unclosed "<script", "<" without ">")', async () => {
    const mailOf = (body: string) => parse(`From: a@x.example\nSubject: odd\nMessage-ID: <odd@x>\nContent-Type: text/html\n\n<p>Hi</p>${body}\n`);
    const brs = '<br'.repeat(400_000);
    expect((await mailOf(brs)).mail.text).toBe(`Hi\n${brs}`);
    expect((await mailOf(`${'<script'.repeat(200_000)}>tail`)).mail.text).toBe('Hi\ntail');
    const lts = ' <'.repeat(600_000);
    expect((await mailOf(`${lts}x`)).mail.text).toBe(`Hi\n${lts.trim()}x`);
  });

  it('decodes an unknown charset as windows-1252 when the bytes are not UTF-8, with a warning', async () => {
    const raw = Buffer.concat([
      crlf('From: a@x.example\nSubject: menu\nMessage-ID: <c@x>\nContent-Type: text/plain; charset=x-unknown-zz\nContent-Transfer-Encoding: 8bit\n\nLe caf'),
      Buffer.from([0xe9]),
      crlf(' est ouvert\n'),
    ]);
    const { mail } = await parse(raw);
    // mailparser alone gives "Le caf\uFFFD est ouvert".
    expect(mail.text.trim()).toBe('Le café est ouvert');
    expect(mail.warnings).toEqual(['unknown charset "x-unknown-zz": body decoded as windows-1252']);
  });

  it('decodes an unknown charset as UTF-8 when the bytes are valid UTF-8', async () => {
    const { mail } = await parse(
      'From: a@x.example\nSubject: menu\nMessage-ID: <c@x>\nContent-Type: text/plain; charset=x-unknown-zz\nContent-Transfer-Encoding: 8bit\n\nLe café est ouvert\n',
    );
    expect(mail.text.trim()).toBe('Le café est ouvert');
    expect(mail.warnings).toEqual(['unknown charset "x-unknown-zz": body decoded as UTF-8']);
  });

  it('decodes a subject encoded in an unknown charset like the body', async () => {
    const { mail } = await parse('From: a@x.example\nSubject: =?x-unknown-zz?q?Caf=E9_menu?=\nMessage-ID: <s@x>\n\nhi\n');
    expect(mail.subject).toBe('Café menu');
  });

  it('still decodes a known charset in another part of a mail with an unknown one', async () => {
    const raw = Buffer.concat([
      crlf('From: a@x.example\nSubject: two\nMessage-ID: <t@x>\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain; charset=x-unknown-zz\nContent-Transfer-Encoding: 8bit\n\nCaf'),
      Buffer.from([0xe9]),
      crlf('\n--b\nContent-Type: text/plain; charset=iso-8859-1\nContent-Disposition: inline\nContent-Transfer-Encoding: quoted-printable\n\nGr=FC=DFe\n--b--\n'),
    ]);
    const { mail } = await parse(raw);
    expect(mail.text).toContain('Café');
    expect(mail.text).toContain('Grüße');
  });

  it('decodes a known non-UTF-8 charset', async () => {
    const raw = Buffer.concat([
      crlf('From: a@x.example\nSubject: q\nMessage-ID: <q@x>\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nGr=FC=DFe\n'),
    ]);
    const { mail } = await parse(raw);
    expect(mail.text.trim()).toBe('Grüße');
    expect(mail.warnings).toEqual([]);
  });

  it('recovers a multipart body whose Content-Type has no boundary', async () => {
    const { mail } = await parse(`From: a@x.example
Subject: broken
Message-ID: <b@x>
MIME-Version: 1.0
Content-Type: multipart/mixed

--frontier
Content-Type: text/plain

The booking form on our site is broken.
--frontier--
`);
    expect(mail.text.trim()).toBe('The booking form on our site is broken.');
    expect(mail.warnings).toEqual(['multipart message without a boundary: guessed "frontier" from the body']);
  });

  it('keeps headers and the raw body when mailparser gives up on the structure (over 1000 parts)', async () => {
    let parts = '';
    for (let i = 0; i < 1100; i++) parts += `--b\nContent-Type: text/plain\n\npart ${i}\n`;
    const { mail } = await parse(`From: a@x.example\nSubject: many\nMessage-ID: <many@x>\nContent-Type: multipart/mixed; boundary=b\n\n${parts}--b--\n`);
    expect(mail.subject).toBe('many');
    expect(mail.messageId).toBe('many@x');
    expect(mail.text).toContain('part 1099');
    expect(mail.warnings).toEqual(['MIME structure unreadable (Max allowed child nodes exceeded): body kept as raw text']);
  });

  it('keeps the body of a multipart without boundary and without parts as text', async () => {
    const { mail } = await parse('From: a@x.example\nSubject: b\nMessage-ID: <b2@x>\nContent-Type: multipart/alternative\n\nplain words only\n');
    expect(mail.text.trim()).toBe('plain words only');
    expect(mail.warnings).toEqual(['multipart message without a boundary: body kept as plain text']);
  });
});

describe('parseMail: attachments', () => {
  const withAttachment = (name: string, base64: string) => `From: a@x.example
Subject: files
Message-ID: <f@x>
Content-Type: multipart/mixed; boundary=zz

--zz
Content-Type: text/plain

see attached
--zz
Content-Type: application/octet-stream; name="${name}"
Content-Disposition: attachment; filename="${name}"
Content-Transfer-Encoding: base64

${base64}
--zz--
`;

  it('stores a path-traversal name as its last segment, with sha256 and size', async () => {
    const { mail, parts } = await parse(withAttachment('../../etc/passwd', Buffer.from('hello').toString('base64')));
    expect(mail.attachments).toEqual([
      {
        filename: 'passwd',
        contentType: 'application/octet-stream',
        size: 5,
        sha256: createHash('sha256').update('hello').digest('hex'),
        storedPath: null,
      },
    ]);
    expect(parts[0]!.toString()).toBe('hello');
  });

  it('replaces an over-cap attachment with an empty part and a note', async () => {
    const big = Buffer.alloc(2000, 'a').toString('base64').replace(/(.{76})/g, '$1\n');
    const { mail, parts } = await parse(withAttachment('menu.pdf', big));
    expect(mail.attachments[0]).toMatchObject({ filename: 'menu.pdf', size: 2000, sha256: null, storedPath: null });
    expect(mail.attachments[0]!.note).toBe('not stored: 2000 bytes is over the 1024-byte attachment cap');
    expect(parts[0]!.length).toBe(0);
  });
});

describe('parseMail: visibleText of real-looking replies', () => {
  const reply = (body: string) => `From: client@x.example\nSubject: Re: [SEO-1043] listing\nMessage-ID: <r@x>\n\n${body}`;
  it.each([
    [
      'Gmail "On <date>, X wrote:" with > quoting',
      `Hi there,\n\nThe menu page still shows the old prices.\n\nOn Mon, Nov 23, 2026 at 9:14 AM Bright Pixel Support <support@brightpixel.example> wrote:\n> Hello Maria,\n>\n> Your request has been received.\n`,
      'Hi there,\n\nThe menu page still shows the old prices.',
    ],
    [
      'Gmail header wrapped over two lines',
      `Thanks, that works now.\n\nOn Mon, 23 Nov 2026 at 09:14, Bright Pixel Support <support@brightpixel.example>\nwrote:\n\n> Hello Maria,\n> Your ticket is closed.\n`,
      'Thanks, that works now.',
    ],
    [
      'Outlook separator line and From/Sent block',
      `Please also update the opening hours.\n\n________________________________\nFrom: Bright Pixel Support <support@brightpixel.example>\nSent: Monday, November 23, 2026 9:14 AM\nTo: Front Desk <frontdesk@smilebright.example>\nSubject: [SEO-1043] Local listing\n\nHello, your request has been received.\n`,
      'Please also update the opening hours.',
    ],
    [
      'Outlook From/Sent block without an address (the library misses it: pre-pass)',
      `Any update on this?\n\nFrom: Bright Pixel Support\nSent: Monday, November 23, 2026 9:14 AM\nTo: Front Desk\nSubject: RE: [SEO-1043] Local listing\n\nHello, your request has been received.\n`,
      'Any update on this?',
    ],
    [
      '-----Original Message-----',
      `Please see below.\n\n-----Original Message-----\nFrom: Tom\nSent: Monday\nSubject: hi\n\nbody of original\n`,
      'Please see below.',
    ],
    ['"-- " signature', `Can we move the call to Thursday?\n\n-- \nTom Baker\nBaker's Bistro | 555-0101\n`, 'Can we move the call to Thursday?'],
    [
      '"Sent from my iPhone" and a quoted original',
      `Yes please go ahead.\n\nSent from my iPhone\n\n> On Nov 23, 2026, at 09:14, Support <support@x.example> wrote:\n> \n> hello\n`,
      'Yes please go ahead.',
    ],
    ['a message that is all signature keeps its text', `Sent from my iPhone\n`, 'Sent from my iPhone'],
    ['an inline answer keeps its own lines, not the quoted one', `> Can you confirm the address?\nYes, 12 High Street.\n`, 'Yes, 12 High Street.'],
    ['a reply that is all quote keeps its whole text', `> Can you confirm the address?\n> And the hours?\n`, '> Can you confirm the address?\n> And the hours?'],
    [
      'German Outlook block without address',
      `Passt so, danke!\n\nVon: Bright Pixel Support\nGesendet: Montag, 23. November 2026 09:14\nAn: Praxis\nBetreff: AW: Fotos\n\nHallo\n`,
      'Passt so, danke!',
    ],
  ])('%s', async (_name, body, expected) => {
    const { mail } = await parse(reply(body));
    expect(mail.visibleText).toBe(expected);
    expect(mail.text).toContain(expected.split('\n')[0]);
  });
});
