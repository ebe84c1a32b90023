// The Message-ID of raw mail, read before the message is parsed, so the journal row written
// first already carries it (de-duplication keys on it). Same normal form as parseMail: no
// angle brackets.

const HEAD_LIMIT = 256 * 1024;

/** Only the header block is decoded: a message can be tens of megabytes. */
function headerBlock(raw: Buffer): string {
  const window = raw.subarray(0, HEAD_LIMIT);
  const crlf = window.indexOf('\r\n\r\n');
  const lf = window.indexOf('\n\n');
  const ends = [crlf, lf].filter((i) => i >= 0);
  const end = ends.length ? Math.min(...ends) : window.length;
  return window.subarray(0, end).toString('latin1');
}

export function rawMessageId(raw: Buffer): string | null {
  const head = headerBlock(raw).replace(/\r?\n[ \t]+/g, ' ');
  const line = /^message-id[ \t]*:(.*)$/im.exec(head);
  if (!line) return null;
  const value = line[1]!;
  const bracketed = /<([^<>\s]+)>/.exec(value);
  if (bracketed) return bracketed[1]!;
  return value.split(/[\s,]+/).find((t) => t.includes('@')) ?? null;
}
