import { MailParser, type Attachment, type AttachmentStream, type HeaderLines, type Headers, type ParsedMail, type SimpleParserOptions } from 'mailparser';

// mailparser's simpleParser buffers every attachment whole, also one we will not store (over
// limits.attachment_max_bytes). This is the same assembly of the streaming MailParser's output
// into a ParsedMail, except that an attachment's bytes are kept only while they stay within
// the cap: past it they are hashed and counted as they stream by (size still set) and dropped,
// and its content is an empty Buffer. Options are simpleParser's (keepCidLinks assumed: cid:
// images are not inlined into the HTML, which would need the parts).

/** Header fields simpleParser lifts out of the header map, by their ParsedMail names. */
const LIFTED: Record<string, keyof ParsedMail> = {
  subject: 'subject',
  references: 'references',
  date: 'date',
  to: 'to',
  from: 'from',
  cc: 'cc',
  bcc: 'bcc',
  'message-id': 'messageId',
  'in-reply-to': 'inReplyTo',
  'reply-to': 'replyTo',
};

const TEXT_KEYS = ['text', 'html', 'textAsHtml', 'textConversionError'] as const;

export function parseCapped(raw: Buffer, options: SimpleParserOptions, attachmentMaxBytes: number): Promise<ParsedMail> {
  return new Promise((resolve, reject) => {
    const mail: Record<string, unknown> & { attachments: Attachment[] } = { attachments: [] };
    const parser = new MailParser(options);
    let settled = false;
    // MailParser may report a non-fatal error and still end: the first of the two wins.
    const settle = (err: Error | null) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve(mail as unknown as ParsedMail);
    };
    parser.on('error', (err: Error) => settle(err));
    parser.on('headers', (headers: Headers) => {
      mail.headers = headers;
      mail.headerLines = (parser as unknown as { headerLines: HeaderLines }).headerLines;
    });
    parser.on('data', (data: AttachmentStream | (Record<string, unknown> & { type: 'text' })) => {
      if (data.type === 'text') {
        for (const key of TEXT_KEYS) if (key in data) mail[key] = data[key];
        return;
      }
      const attachment = data as AttachmentStream;
      mail.attachments.push(attachment as unknown as Attachment);
      let chunks: Buffer[] | null = [];
      let held = 0;
      attachment.content.on('data', (chunk: Buffer) => {
        if (!chunks) return;
        held += chunk.length;
        if (held > attachmentMaxBytes) chunks = null; // over the cap: count on, keep nothing
        else chunks.push(chunk);
      });
      attachment.content.on('end', () => {
        (attachment as unknown as Attachment).content = chunks ? Buffer.concat(chunks, held) : Buffer.alloc(0);
        attachment.release?.();
      });
    });
    parser.on('end', () => {
      const headers = mail.headers as Headers | undefined;
      for (const [name, field] of Object.entries(LIFTED)) if (headers?.has(name)) (mail as Record<string, unknown>)[field] = headers.get(name);
      settle(null);
    });
    parser.end(raw);
  });
}
