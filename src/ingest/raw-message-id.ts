// The Message-ID of raw mail, read before the message is parsed, so the journal row written
// first already carries it (de-duplication keys on it). Same normal form as parseMail: no
// angle brackets.

const HEAD_LIMIT = 256 * 1024;

export function rawMessageId(raw: Buffer): string | null {
  const window = raw.subarray(0, HEAD_LIMIT).toString('latin1');
  const end = window.search(/\r?\n\r?\n/);
  const head = (end >= 0 ? window.slice(0, end) : window).replace(/\r?\n[ \t]+/g, ' ');
  const line = /^message-id[ \t]*:(.*)$/im.exec(head);
  if (!line) return null;
  const value = line[1]!;
  const bracketed = /<([^<>\s]+)>/.exec(value);
  if (bracketed) return bracketed[1]!;
  return value.split(/[\s,]+/).find((t) => t.includes('@')) ?? null;
}
