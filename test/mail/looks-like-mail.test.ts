import { describe, expect, it } from 'vitest';
import { notAMail } from '../../src/mail/looks-like-mail.js';

describe('does a file look like a mail', () => {
  it.each([
    ['a plain mail', 'From: Dana <dana@bakery.example>\r\nSubject: Hi\r\n\r\nHello\r\n'],
    ['an mbox entry', 'From dana@bakery.example Mon Nov 23 09:14:00 2026\nFrom: Dana <dana@bakery.example>\n\nHello\n'],
    ['headers only, Received first', 'Received: from mx.example by us\nMessage-ID: <a@b>\n'],
    ['a byte-order mark before the headers', '\uFEFFDate: Mon, 23 Nov 2026 09:14:00 +0100\nFrom: a@b.example\n\nx'],
  ])('%s does', (_, text) => {
    expect(notAMail(Buffer.from(text))).toBeNull();
  });

  it.each([
    ['an empty file', Buffer.alloc(0), /empty/],
    ['a PDF', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0, 1, 2, 0xff, 0])]), /binary data \(NUL bytes\)/],
    ['control characters without NUL', Buffer.from('\x01\x02\x03\x04 abc'.repeat(20)), /binary data/],
    ['a copied body', Buffer.from('Hello,\n\nplease refund invoice 77.\n'), /does not start with header lines/],
    ['YAML', Buffer.from('database: ticketd.sqlite\nmailbox:\n  host: x\n'), /none of its header lines is one a mail has/],
  ])('%s does not', (_, raw, why) => {
    expect(notAMail(raw)).toMatch(why);
  });
});
