import { simpleParser, type AddressObject, type EmailAddress, type ParsedMail as MpMail, type SimpleParserOptions } from 'mailparser';
import { TicketdError, errorMessage } from '../errors.js';
import { capReferences, cleanName, cleanSubject, cleanText } from '../mail/clean-text.js';
import type { Address, AttachmentInfo, Mail } from '../router/types.js';
import { charsetDecoderClass, decodeUnknown, unknownCharsets } from './charset.js';
import { safeFilename } from './filename.js';
import { headerMap } from './headers.js';
import { parseCapped } from './parse-capped.js';
import { plainFromHtml, repairBoundary } from './mime-repair.js';
import { extractReply } from './visible-text.js';

export interface ParsedMail {
  mail: Mail;
  /** parts[i] is the content of mail.attachments[i]; empty when over the cap. */
  parts: Buffer[];
}

// Options that skip work we never use (the bench compares us with a bare simpleParser loop):
// no HTML rendering of the text part, no linkifying, no cid: images inlined into the HTML as
// data: URLs, and the attachment checksum computed as the sha256 we store anyway.
const BASE_OPTIONS: SimpleParserOptions = {
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
  keepCidLinks: true,
  checksumAlgo: 'sha256',
  // html-to-text on a multi-megabyte HTML-only mail takes seconds and holds up the queue;
  // above this we strip the tags ourselves (see plainFromHtml).
  maxHtmlLengthToParse: 1_000_000,
};

const MAX_ID_CHARS = 250;

/** Message-IDs without angle brackets or whitespace. */
function ids(value: string | string[] | undefined): string[] {
  const all = ([] as string[]).concat(value ?? []).join(' ');
  const bracketed = [...all.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);
  // Some clients send bare ids; take whitespace-separated tokens that look like one.
  const found = bracketed.length ? bracketed : all.split(/[\s,]+/).filter((t) => t.includes('@'));
  // An id is copied into our In-Reply-To/References and looked up on every thread match: one
  // longer than any mail system makes (RFC 5322 lines stop at 998) is a stranger's payload.
  return [...new Set(found)].filter((id) => id.length <= MAX_ID_CHARS);
}

function addresses(obj: AddressObject | AddressObject[] | undefined): Address[] {
  const out: Address[] = [];
  const walk = (list: EmailAddress[]) => {
    for (const a of list) {
      if (a.group) walk(a.group); // "Team: a@x, b@y;" counts as its members
      else if (a.address) out.push({ address: a.address.toLowerCase(), name: cleanName(a.name ?? '') });
    }
  };
  for (const o of ([] as AddressObject[]).concat(obj ?? [])) walk(o.value);
  return out;
}

/** Every entry of an originator header as written, with or without a usable address. */
function entries(obj: AddressObject | AddressObject[] | undefined): { list: Address[]; group: boolean } {
  const list: Address[] = [];
  let group = false;
  const walk = (items: EmailAddress[]) => {
    for (const a of items) {
      if (a.group) {
        group = true;
        walk(a.group);
      } else list.push({ address: (a.address ?? '').toLowerCase(), name: a.name ?? '' });
    }
  };
  for (const o of ([] as AddressObject[]).concat(obj ?? [])) walk(o.value);
  return { list, group };
}

/**
 * Authentication-Results values in runs of adjacent header lines, topmost first. Adjacency is
 * what tells our receiving server's block from one a sender wrote further down the header.
 */
function authResultRuns(lines: readonly { key: string; line: string }[]): string[][] {
  const runs: string[][] = [];
  let previous = false;
  for (const { key, line } of lines) {
    const is = key.toLowerCase() === 'authentication-results';
    if (is) {
      if (!previous) runs.push([]);
      // Raw, unfolded, NOT decoded: our server writes the sender's envelope and names into
      // values and comments as they came, so an encoded word there ("=?us-ascii?q?=3B_spf=3Dpass?=")
      // decoded would forge a result or close a comment.
      runs[runs.length - 1]!.push(line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim());
    }
    previous = is;
  }
  return runs;
}

/** Bare addresses out of headers mailparser does not parse (Delivered-To, X-Original-To). */
function rawAddresses(values: string[] | undefined): string[] {
  // Split into tokens first: /[^\s<>,;"']+@[^\s<>,;"']+/g rescans a long token without "@" from
  // every one of its characters.
  return (values ?? []).flatMap((v) =>
    v
      .split(/[\s<>,;"']+/)
      .filter((t) => t.length >= 3 && t.slice(1, -1).includes('@'))
      .map((t) => t.toLowerCase()),
  );
}

async function parseMime(raw: Buffer, warnings: string[], attachmentMaxBytes: number): Promise<MpMail> {
  const options = unknownCharsets(raw).length ? { ...BASE_OPTIONS, Iconv: charsetDecoderClass((w) => warnings.push(w)) } : BASE_OPTIONS;
  try {
    // Attachments over the cap are counted, not buffered (see parse-capped.ts).
    return await parseCapped(repairBoundary(raw, warnings) ?? raw, options, attachmentMaxBytes);
  } catch (err) {
    // Too many parts, a header block over 1 MB...: keep the headers and the body as text.
    warnings.push(`MIME structure unreadable (${errorMessage(err)}): body kept as raw text`);
    const split = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
    const head = split >= 0 ? raw.subarray(0, split) : raw;
    const parsed = await simpleParser(Buffer.concat([head, Buffer.from('\r\n\r\n')]), BASE_OPTIONS);
    parsed.text = split >= 0 ? decodeUnknown(raw.subarray(split)).text.replace(/\r\n/g, '\n').trim() : '';
    return parsed;
  }
}

/**
 * mailparser decodes an encoded word in an unknown charset as UTF-8 with U+FFFD; our header
 * decoder falls back to windows-1252 like the body does, so prefer it then.
 */
function subjectOf(fromParser: string | undefined, fromHeader: string | undefined): string {
  if (fromParser?.includes('\uFFFD') && fromHeader && !fromHeader.includes('\uFFFD')) return fromHeader;
  return fromParser ?? '';
}

function attachmentsOf(parsed: MpMail, maxBytes: number): { infos: AttachmentInfo[]; parts: Buffer[] } {
  const infos: AttachmentInfo[] = [];
  const parts: Buffer[] = [];
  parsed.attachments.forEach((a, i) => {
    const filename = safeFilename(a.filename, i);
    const size = a.size ?? a.content.length;
    if (size > maxBytes) {
      infos.push({ filename, contentType: a.contentType, size, sha256: null, storedPath: null, note: `not stored: ${size} bytes is over the ${maxBytes}-byte attachment cap` });
      parts.push(Buffer.alloc(0));
    } else {
      infos.push({ filename, contentType: a.contentType, size, sha256: a.checksum ?? null, storedPath: null });
      parts.push(a.content);
    }
  });
  return { infos, parts };
}

export async function parseMail(raw: Buffer, opts: { attachmentMaxBytes: number }): Promise<ParsedMail> {
  if (raw.length === 0 || (raw.length <= 4096 && /^\s*$/.test(raw.toString('latin1')))) {
    throw new TicketdError('PARSE', 'empty message: nothing to parse');
  }
  const warnings: string[] = [];
  let parsed: MpMail;
  try {
    parsed = await parseMime(raw, warnings, opts.attachmentMaxBytes);
  } catch (err) {
    throw new TicketdError('PARSE', `cannot parse message: ${errorMessage(err)}`, { cause: err });
  }
  const headers = headerMap(parsed.headerLines ?? []);
  let text = parsed.text ?? '';
  if (!Object.keys(headers).length) {
    // No header block at all: mailparser read every line as a (nameless) header.
    warnings.push('no headers found: whole message kept as text');
    text = decodeUnknown(raw).text.replace(/\r\n/g, '\n').trim();
  }
  if (parsed.textConversionError) {
    warnings.push(`HTML not converted to text (${parsed.textConversionError.message}): tags stripped instead`);
    if (!text.trim() && typeof parsed.html === 'string') text = plainFromHtml(parsed.html);
  }
  const from = addresses(parsed.from)[0] ?? null;
  const fromEntries = entries(parsed.from);
  const replyToEntries = entries(parsed.replyTo);
  if (!parsed.messageId) warnings.push('no Message-ID header');
  if (!from) warnings.push(headers['from'] ? 'no usable address in From' : 'no From header');
  const to = addresses(parsed.to);
  const cc = addresses(parsed.cc);
  const recipients = [
    ...new Set([...to, ...cc].map((a) => a.address).concat(rawAddresses(headers['delivered-to']), rawAddresses(headers['x-original-to']))),
  ];
  // What we store, print and quote in our own mail carries no control or bidi characters.
  text = cleanText(text);
  const { infos, parts } = attachmentsOf(parsed, opts.attachmentMaxBytes);
  const subject = cleanSubject(subjectOf(parsed.subject, headers['subject']?.[0]));
  // The HTML part's quote markers are read when there is one; its text is cleaned like ours.
  const reply = extractReply(text, typeof parsed.html === 'string' ? parsed.html : null, subject);
  const date = parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : null;
  const mail: Mail = {
    messageId: ids(parsed.messageId)[0] ?? null,
    // 5,000 References ids would make every answer's References header 90 KB.
    inReplyTo: capReferences(ids(parsed.inReplyTo)),
    references: capReferences(ids(parsed.references)),
    subject,
    from,
    replyTo: addresses(parsed.replyTo),
    to,
    cc,
    recipients,
    date,
    headers,
    text,
    visibleText: cleanText(reply.visible),
    signature: reply.signature === null ? null : cleanText(reply.signature),
    html: typeof parsed.html === 'string' ? parsed.html : null,
    attachments: infos,
    warnings,
    originators: {
      from: fromEntries.list,
      replyTo: replyToEntries.list,
      groups: [...(fromEntries.group ? ['from' as const] : []), ...(replyToEntries.group ? ['reply-to' as const] : [])],
    },
    authResults: authResultRuns(parsed.headerLines ?? []),
  };
  return { mail, parts };
}
