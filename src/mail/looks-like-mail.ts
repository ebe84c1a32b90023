// `ticketd explain` takes any file; a wrong one (a PDF, a .msg from Outlook, a copied body)
// still parses into an empty mail and runs the pipeline, ending in "no From address". Say
// what is wrong with the file instead. Pure: a table of inputs in its test.

const HEAD_BYTES = 16 * 1024;
// A header field name (RFC 5322 2.2: printable ASCII but ":"), then ":".
const HEADER_LINE = /^[!-9;-~]+:/;
const MAIL_HEADERS = /^(from|date|message-id|subject|to|received|return-path|mime-version|delivered-to):/im;

/** Why `raw` does not look like a mail (RFC 5322 message or one mbox entry), or null. */
export function notAMail(raw: Buffer): string | null {
  if (!raw.length) return 'the file is empty';
  const head = raw.subarray(0, HEAD_BYTES);
  let control = 0;
  for (const b of head) {
    if (b === 0) return 'it holds binary data (NUL bytes); a mail is text: header lines, a blank line, the body (save it as .eml)';
    if (b < 32 && b !== 9 && b !== 10 && b !== 13) control++;
  }
  if (control > head.length / 100) return 'it holds binary data; a mail is text: header lines, a blank line, the body (save it as .eml)';
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const lines = head.subarray(bom).toString('latin1').split(/\r?\n/);
  // An mbox entry starts with its "From " separator line.
  const first = lines[0]?.startsWith('From ') ? 1 : 0;
  if (!HEADER_LINE.test(lines[first] ?? '')) return 'it does not start with header lines ("Name: value"), as a mail does';
  const end = lines.findIndex((l, i) => i >= first && l === '');
  const headers = lines.slice(first, end < 0 ? undefined : end).join('\n');
  if (!MAIL_HEADERS.test(headers)) return 'none of its header lines is one a mail has (From, Date, Message-ID, Received)';
  return null;
}
