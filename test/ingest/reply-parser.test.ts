import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import EmailReplyParser from 'email-reply-parser';
import { describe, expect, it } from 'vitest';
import { parseMail } from '../../src/ingest/parse.js';
import { parseReply } from '../../src/ingest/reply-parser.js';

// parseReply is email-reply-parser with faster string reversal and per-mail caching: its
// output must be the library's own, fragment for fragment, on every kind of text.

const library = new EmailReplyParser();
const fixtures = path.resolve(import.meta.dirname, '../../fixtures/emails');

const signoffs = ['Best regards,', 'Cheers,', 'Regards,', 'Kind regards,', 'Bien à vous,', 'Cordialement,', 'Thanks,', '--', '-- ', '__', 'Sent from my iPhone', 'Get Outlook for iOS', 'Von meinem iPhone gesendet', 'Envoyé de mon iPad', 'Verstuurd vanaf mijn iPad'];
const headers = [
  'On Mon, 3 Nov 2026 at 09:12, Anna Berg <anna@example.com> wrote:',
  'On Mon, 3 Nov 2026 at 09:12, Anna Berg <anna@example.com>\nwrote:',
  'Le lun. 3 nov. 2026 à 09:12, Anna Berg <anna@example.com> a écrit :',
  'Am 03.11.2026 um 09:12 schrieb Anna Berg <anna@example.com>:',
  'El lun, 3 nov 2026 a las 09:12, Anna Berg (<anna@example.com>) escribió:',
  'Op ma 3 nov. 2026 om 09:12 schreef Anna Berg <anna@example.com>:',
  'From: Anna Berg <anna@example.com>',
  'Von: Anna Berg [mailto:anna@example.com]',
  '-----Original Message-----',
  '2026-11-03 9:12 GMT+01:00 Anna Berg <anna@example.com>:',
  '在 2026年11月3日，09:12，Anna 写道：',
];
const bodies = [
  'Our site shows a blank page since this morning.',
  'Could you refund the second charge on invoice 4411? 🙂 Thank you!',
  '  Indented line with trailing spaces   ',
  '> a quoted line\n> and another\n>',
  '>> deeper quote\n> shallow',
  '',
  'Ligne en français, à bientôt.',
  'Line with a ~ tilde at the end~~',
];

/** Deterministic mixtures of the pieces above: new text, signatures, headers, quotes, CRLF. */
function* mixtures(): Generator<string> {
  let seed = 7;
  const pick = <T>(list: T[]): T => list[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % list.length]!;
  for (let n = 0; n < 400; n++) {
    const lines: string[] = [];
    const parts = 2 + (n % 9);
    for (let k = 0; k < parts; k++) {
      const kind = pick(['body', 'body', 'blank', 'signoff', 'header', 'quote']);
      if (kind === 'body') lines.push(pick(bodies));
      else if (kind === 'blank') lines.push('');
      else if (kind === 'signoff') lines.push(pick(signoffs), pick(['Anna', 'Joe', '']));
      else if (kind === 'header') lines.push('', pick(headers));
      else lines.push(`> ${pick(bodies)}`, '>');
    }
    const text = lines.join('\n');
    yield n % 5 === 0 ? text.replace(/\n/g, '\r\n') : text;
  }
}

const visible = (text: string) => ({
  ours: parseReply(text).getVisibleText(),
  theirs: library.read(text).getVisibleText(),
});

describe('parseReply', () => {
  it('gives the library visible text on 400 mixtures of replies, signatures and quote headers', () => {
    for (const text of mixtures()) {
      const { ours, theirs } = visible(text);
      expect(ours, text).toBe(theirs);
    }
  });

  it('hides the quote and the signature of a real reply the way the library does', () => {
    const text = 'Yes, please go ahead.\n\nBest regards,\nAnna\n\nOn Mon, 3 Nov 2026 at 09:12, Joe <joe@example.com> wrote:\n> Shall we refund it?\n';
    const { ours, theirs } = visible(text);
    expect(ours).toBe(theirs);
    expect(ours).toContain('Yes, please go ahead.');
    expect(ours).not.toContain('Shall we refund it?');
  });

  it('gives the library visible text on the text of every fixture mail', async () => {
    const files = readdirSync(fixtures).filter((f) => f.endsWith('.eml'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const { mail } = await parseMail(readFileSync(path.join(fixtures, file)), { attachmentMaxBytes: 1e7 });
      const { ours, theirs } = visible(mail.text);
      expect(ours, file).toBe(theirs);
    }
  });

  it('decides a 30 KB line the library takes minutes on (cubic quote-header regexes), and still finds a real quote header', () => {
    // The library's regexes backtrack cubically on this line (7 KB: about 2 s); before the
    // long-line guard this test ran into its timeout.
    const line = '12:34' + ' 2024 "<>'.repeat(3300);
    expect(parseReply(line).getVisibleText()).toBe(line);
    const text = `${line}\n\nOn Mon, 3 Nov 2026 at 09:12, Joe <joe@example.com> wrote:\n> Shall we refund it?\n`;
    const ours = parseReply(text).getVisibleText();
    expect(ours).toContain(line);
    expect(ours).not.toContain('Shall we refund it?');
  });
});
