import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { replyTo, userOf } from '../../scripts/demo-mail.js';

// The demo's mail client answers the way a real one does: the demo's story (and a user playing
// with it) relies on the reply reaching the signed Reply-To, on the notice's thread.

const notice = [
  'From: "Agency Support" <support@agency.example>',
  'To: Olivia Reyes <olivia@agency.example>',
  'Reply-To: support+t.abcdef@agency.example',
  'Subject: [REF-1000] New ticket for you',
  'Message-ID: <notice.1@agency.example>',
  'In-Reply-To: <client.1@bakery.example>',
  'References: <client.1@bakery.example>',
  'Date: Mon, 23 Nov 2026 10:00:00 +0000',
  '',
  'REF-1000 is yours now.',
  '',
  'Reply to this email to answer the client.',
  '',
].join('\r\n');

describe('demo-mail reply', () => {
  it('goes to the Reply-To, from the address the mail was sent to, on its thread, with the original quoted below', async () => {
    const r = replyTo(await simpleParser(notice), '#tbc\n\nRefunded.\n');
    expect(r).toMatchObject({
      from: 'Olivia Reyes <olivia@agency.example>',
      to: 'support+t.abcdef@agency.example',
      subject: 'Re: [REF-1000] New ticket for you',
      inReplyTo: '<notice.1@agency.example>',
      references: ['<client.1@bakery.example>', '<notice.1@agency.example>'],
    });
    expect(r.text).toMatch(/^#tbc\n\nRefunded\.\n\nOn .*2026.*, "Agency Support" <support@agency\.example> wrote:\n> REF-1000 is yours now\.\n>\n> Reply to this email/);
  });

  it('answers the From when there is no Reply-To, and never doubles "Re:"', async () => {
    const plain = notice.replace(/^Reply-To: .*\r\n/m, '').replace('Subject: [REF-1000]', 'Subject: RE: [REF-1000]');
    const r = replyTo(await simpleParser(plain), 'Thanks');
    expect(r.to).toBe('support@agency.example');
    expect(r.subject).toBe('RE: [REF-1000] New ticket for you');
  });

  it('finds the Dovecot user of an address: its local part without a +detail', () => {
    expect(userOf('Anna.Kim@smilebright-dental.example')).toBe('anna.kim');
    expect(userOf('support+t.abc@example.com')).toBe('support');
  });
});
