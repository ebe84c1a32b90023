import { describe, expect, it } from 'vitest';
import { NAME_MAX, REFERENCES_MAX, SUBJECT_MAX, capReferences, cleanLine, cleanName, cleanSubject, cleanText, escapeForTerminal } from '../../src/mail/clean-text.js';

const ESC = '\u001b';
const BEL = '\u0007';
const RLO = '\u202e';

describe('cleanLine and cleanSubject', () => {
  it('drop terminal escapes, bell and C1 controls, keeping the words apart', () => {
    expect(cleanLine(`${ESC}[2J${ESC}]0;pwned${BEL}Invoice\u009b31m overdue`)).toBe('[2J ]0;pwned Invoice 31m overdue');
  });
  it('turn line breaks and tabs into one space', () => {
    expect(cleanLine('Refund\r\n\tplease\u2028now\u0085ok')).toBe('Refund please now ok');
  });
  it('remove bidi overrides, isolates and direction marks without splitting the word', () => {
    expect(cleanLine(`invoice${RLO}fdp.exe`)).toBe('invoicefdp.exe');
    expect(cleanLine('a\u2066b\u2069c\u200ed\u200fe\u061cf\u202ag')).toBe('abcdefg');
  });
  it('keep letters of every script, emoji joiners and non-Latin text', () => {
    expect(cleanLine('Füße 👩\u200d💻 مرحبا 你好 می\u200cخواهم')).toBe('Füße 👩\u200d💻 مرحبا 你好 می\u200cخواهم');
  });
  it('cap a subject at SUBJECT_MAX characters with an ellipsis, never halving an emoji', () => {
    const long = cleanSubject('x'.repeat(1000));
    expect(long).toHaveLength(SUBJECT_MAX);
    expect(long.endsWith('x…')).toBe(true);
    const emoji = cleanSubject(`${'x'.repeat(SUBJECT_MAX - 2)}😀😀`);
    expect(emoji).toBe(`${'x'.repeat(SUBJECT_MAX - 2)}…`);
    expect(cleanSubject('Short one')).toBe('Short one');
  });
});

describe('cleanText', () => {
  it('keeps line feeds and tabs and removes every other control and bidi character', () => {
    expect(cleanText(`Hello${ESC}[31m\r\n\tred${BEL}\r\nend ${RLO}txt.exe\u000c\u0000`)).toBe('Hello[31m\n\tred\nend txt.exe');
  });
  it('returns clean text as it is', () => {
    const text = 'Hello,\n\n\tall fine.\n';
    expect(cleanText(text)).toBe(text);
  });
});

describe('cleanName', () => {
  it.each([
    ['a name that is a message', 'Bob,\n\nYour account is locked, verify at http://bank.example.net/login'],
    ['a name with a line break only', 'Bob\r\nSmith'],
    ['a name with a link', 'Verify at https://x.example'],
    ['a name with www.', 'visit www.example'],
    ['a name with a domain', 'Support paypal-security.com'],
    ['a name that is an address', 'dana@bakery.example'],
    ['a name over the cap', 'A'.repeat(NAME_MAX + 1)],
    ['a file name behind a bidi override ("Malloryexe.png")', `Mallory${RLO}gnp.exe`],
  ])('drops %s (we greet neutrally instead)', (_what, name) => {
    expect(cleanName(name)).toBe('');
  });
  it.each([
    ['Dana Whitfield', 'Dana Whitfield'],
    ['Dr. J.R. Ewing', 'Dr. J.R. Ewing'],
    ["O'Brien, Siobhán", "O'Brien, Siobhán"],
    [`Eve${ESC}[8m Hidden`, 'Eve [8m Hidden'],
    [`Mal${RLO}lory`, 'Mallory'],
    ['A'.repeat(NAME_MAX), 'A'.repeat(NAME_MAX)],
  ])('keeps %j as %j', (name, clean) => {
    expect(cleanName(name)).toBe(clean);
  });
});

describe('capReferences', () => {
  it('keeps the thread root and the latest ids, REFERENCES_MAX in all', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `id${i}@x.example`);
    const kept = capReferences(ids);
    expect(kept).toHaveLength(REFERENCES_MAX);
    expect(kept[0]).toBe('id0@x.example');
    expect(kept.slice(1)).toEqual(ids.slice(-(REFERENCES_MAX - 1)));
    expect(capReferences(ids.slice(0, 3))).toEqual(ids.slice(0, 3));
  });
});

describe('escapeForTerminal', () => {
  it('writes C1, DEL and bidi characters of JSON text as \\u escapes: the same data', () => {
    const json = JSON.stringify({ subject: `a${ESC}b\u009bc${RLO}d\u007fe\u2028f` });
    const safe = escapeForTerminal(json);
    expect(safe).toBe('{"subject":"a\\u001bb\\u009bc\\u202ed\\u007fe\\u2028f"}');
    expect(JSON.parse(safe)).toEqual(JSON.parse(json));
  });
});
