// Real-looking support mail for ingest tests (CRLF added on append). Named for what they show.

let n = 0;
const id = (tag: string) => `<${tag}.${Date.now().toString(36)}.${++n}@mail.client.example>`;

export interface Msg {
  raw: string;
  messageId: string;
}

export function clientMail(o: { from?: string; to?: string; subject: string; body?: string; headers?: string[]; messageId?: string }): Msg {
  const messageId = o.messageId ?? id('c');
  const raw = [
    `From: ${o.from ?? 'Maria Lopez <maria@casalopez-tapas.example>'}`,
    `To: ${o.to ?? 'Support <support@agency.example>'}`,
    `Subject: ${o.subject}`,
    `Date: Mon, 23 Nov 2026 09:14:00 +0100`,
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    ...(o.headers ?? []),
    '',
    o.body ?? 'Hello,\n\nCould you please look into this for us?\n\nThanks,\nMaria\n',
  ].join('\n');
  return { raw, messageId: messageId.slice(1, -1) };
}

export const outOfOffice = (o: { subject: string; inReplyTo?: string }): Msg =>
  clientMail({
    from: 'Tom Baker <tom@bakery.example>',
    subject: `Automatic reply: ${o.subject}`,
    headers: ['Auto-Submitted: auto-replied', 'X-Autoreply: yes', ...(o.inReplyTo ? [`In-Reply-To: <${o.inReplyTo}>`] : [])],
    body: 'I am out of the office until Monday.\n',
  });

export const bounce = (): Msg => {
  const messageId = id('dsn');
  const raw = [
    'From: Mail Delivery System <MAILER-DAEMON@mx.client.example>',
    'To: support@agency.example',
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: ${messageId}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"',
    '',
    '--dsn',
    'Content-Type: text/plain',
    '',
    'This is the mail system. Your message could not be delivered.',
    '--dsn',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.client.example',
    '',
    'Final-Recipient: rfc822; nobody@client.example',
    'Action: failed',
    'Status: 5.1.1',
    '--dsn--',
    '',
  ].join('\n');
  return { raw, messageId: messageId.slice(1, -1) };
};

export const listMail = (): Msg =>
  clientMail({
    from: 'Marketing Weekly <news@lists.marketing.example>',
    subject: 'This week in marketing',
    headers: ['List-Id: <weekly.lists.marketing.example>', 'List-Unsubscribe: <mailto:leave@lists.marketing.example>', 'Precedence: list'],
    body: 'Ten tips for your newsletter.\n',
  });
