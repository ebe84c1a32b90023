import { simpleParser } from 'mailparser';
import { errorMessage } from '../errors.js';

// Subject and sender of a message known only by its first bytes (one too large to parse), for
// the journal row that says why it was not ticketed.

export interface HeadSummary {
  subject: string | null;
  fromAddr: string | null;
}

export async function parseHead(head: Buffer): Promise<HeadSummary> {
  const crlf = head.indexOf('\r\n\r\n');
  const lf = head.indexOf('\n\n');
  const end = [crlf, lf].filter((i) => i >= 0).reduce((a, b) => Math.min(a, b), head.length);
  try {
    const parsed = await simpleParser(Buffer.concat([head.subarray(0, end), Buffer.from('\r\n\r\n')]), { skipTextToHtml: true, skipTextLinks: true });
    const from = parsed.from?.value.find((a) => a.address)?.address?.toLowerCase() ?? null;
    return { subject: parsed.subject?.replace(/\s+/g, ' ').trim().slice(0, 500) ?? null, fromAddr: from };
  } catch (err) {
    return { subject: `(headers unreadable: ${errorMessage(err)})`, fromAddr: null };
  }
}
