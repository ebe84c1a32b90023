import {
  businesses,
  filler,
  firstNames,
  followUps,
  freemailDomains,
  kindWeights,
  lastNames,
  mailers,
  openers,
  subjects,
  type RequestKind,
} from './corpus.js';
import { createRng, type Rng } from './prng.js';

// Deterministic support mail for the bench: 60% plain text, 30% HTML (multipart/alternative),
// 10% with a 200 KB PDF-ish attachment; about one in ten is a client's follow-up that threads
// onto their earlier mail by In-Reply-To/References and quotes it.

export type Shape = 'plain' | 'html' | 'attachment';

export interface GeneratedMail {
  index: number;
  raw: Buffer;
  date: Date;
  shape: Shape;
  kind: RequestKind;
  /** A follow-up to an earlier generated mail (threads onto its ticket). */
  reply: boolean;
  from: string;
  to: string;
  subject: string;
  messageId: string;
}

export interface GenerateOptions {
  count: number;
  seed?: number;
  supportAddress: string;
  attachmentBytes?: number;
}

export const DEFAULT_SEED = 20261123;
const CRLF = '\r\n';

interface Client {
  name: string;
  email: string;
  business: string;
  phone: string;
}

interface Original {
  client: Client;
  subject: string;
  messageId: string;
  references: string[];
  date: Date;
  text: string;
  kind: RequestKind;
}

export function* generateMailbox(opts: GenerateOptions): Generator<GeneratedMail> {
  const seed = opts.seed ?? DEFAULT_SEED;
  const rng = createRng(seed);
  const attachmentBytes = opts.attachmentBytes ?? 200 * 1024;
  const clients = makeClients(rng, 300);
  const originals: Original[] = [];
  const [localPart, domain] = opts.supportAddress.split('@') as [string, string];
  // Spread over the two weeks before a fixed day, oldest first, like a mailbox fills up.
  let t = Date.UTC(2026, 9, 19, 7, 0, 0);
  let shapes: Shape[] = [];
  const step = Math.max(1, Math.floor((14 * 86400_000) / Math.max(1, opts.count)));

  for (let index = 0; index < opts.count; index++) {
    t += rng.int(Math.floor(step / 2), Math.floor(step * 1.5));
    const date = new Date(t);
    // Exactly 6 plain, 3 HTML and 1 with attachment in every block of ten, in shuffled order.
    if (index % 10 === 0) shapes = shuffle(rng, [...shapeBlock]);
    const shape = shapes[index % 10]!;
    const replyTo = originals.length > 20 && rng.chance(0.1) ? rng.pick(originals) : null;
    const client = replyTo ? replyTo.client : rng.pick(clients);
    const kind = replyTo ? replyTo.kind : rng.weighted(kindWeights);
    // Some SEO clients write to the plus address their onboarding mail gave them.
    const to = kind === 'seo' && rng.chance(0.4) ? `${localPart}+seo@${domain}` : opts.supportAddress;
    const subject = replyTo
      ? `Re: ${replyTo.subject}`
      : rng.pick(subjects[kind]).replace('{n}', String(rng.int(10000, 99999)));
    const clientDomain = client.email.split('@')[1]!;
    const messageId = `${rng.hex(16)}.${index}@${clientDomain.includes('.') ? 'mail.' + clientDomain : clientDomain}`;
    const references = replyTo ? [...replyTo.references, replyTo.messageId] : [];

    const newText = replyTo ? followUpText(rng, client) : bodyText(rng, kind, client);
    const text = replyTo ? withQuote(newText, replyTo) : newText;
    const html = shape === 'html' || (shape === 'attachment' && rng.chance(0.5)) ? toHtml(newText, replyTo) : null;

    let body: Part = html ? alternative(rng, text, html) : textPart(text);
    // Attachment bytes come from a stream of their own, so the size never shifts the rest.
    if (shape === 'attachment') body = mixed(rng, body, attachmentPart(rng, createRng(seed ^ (index * 2654435761)), attachmentBytes, date));

    const headers = [
      `Return-Path: <${client.email}>`,
      `Received: from mail.${clientDomain} (mail.${clientDomain} [198.51.100.${rng.int(2, 250)}])${CRLF}\tby mx.${domain} with ESMTPS id ${rng.hex(12).toUpperCase()}${CRLF}\tfor <${to}>; ${rfc2822(date)}`,
      `Date: ${rfc2822(date)}`,
      `From: ${displayName(client.name)} <${client.email}>`,
      `To: ${to}`,
      `Subject: ${encodeWord(subject)}`,
      `Message-ID: <${messageId}>`,
    ];
    if (replyTo) {
      headers.push(`In-Reply-To: <${replyTo.messageId}>`);
      headers.push(`References: ${references.map((r) => `<${r}>`).join(' ')}`);
    }
    const mailer = rng.pick(mailers);
    if (mailer) headers.push(`X-Mailer: ${mailer}`);
    headers.push('MIME-Version: 1.0');
    headers.push(...body.headers);
    const raw = Buffer.from(headers.join(CRLF) + CRLF + CRLF + body.body, 'utf8');

    if (!replyTo) originals.push({ client, subject, messageId, references, date, text: newText, kind });
    yield { index, raw, date, shape, kind, reply: Boolean(replyTo), from: client.email, to, subject, messageId };
  }
}

const shapeBlock: readonly Shape[] = ['plain', 'plain', 'plain', 'plain', 'plain', 'plain', 'html', 'html', 'html', 'attachment'];

function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

function makeClients(rng: Rng, n: number): Client[] {
  const out: Client[] = [];
  for (let i = 0; i < n; i++) {
    const first = rng.pick(firstNames);
    const last = rng.pick(lastNames);
    const [business, bizDomain] = rng.pick(businesses);
    const local = ascii(`${first}.${last}`).toLowerCase().replace(/[^a-z.]/g, '');
    const email = rng.chance(0.6) ? `${local}@${bizDomain}` : `${local}${rng.int(1, 99)}@${rng.pick(freemailDomains)}`;
    const phone = `(${rng.int(200, 989)}) ${rng.int(200, 989)}-${String(rng.int(0, 9999)).padStart(4, '0')}`;
    out.push({ name: `${first} ${last}`, email, business, phone });
  }
  return out;
}

function bodyText(rng: Rng, kind: RequestKind, c: Client): string {
  const lines = [rng.pick(['Hi team,', 'Hello,', 'Hi there,', 'Good morning,', `Hi ${rng.pick(['Olivia', 'Joe', 'Seth', 'all'])},`]), ''];
  lines.push(rng.pick(openers[kind]));
  const extra = rng.int(1, 4);
  for (let i = 0; i < extra; i++) lines.push('', rng.pick(filler));
  lines.push('', rng.pick(['Thanks,', 'Best regards,', 'Cheers,', 'Kind regards,']), c.name.split(' ')[0]!);
  lines.push('', '-- ', c.name, c.business, c.phone);
  return lines.join('\n');
}

function followUpText(rng: Rng, c: Client): string {
  return [rng.pick(['Hi,', 'Hello again,', 'Hi team,']), '', rng.pick(followUps), '', 'Thanks,', c.name.split(' ')[0]!].join('\n');
}

function withQuote(newText: string, o: Original): string {
  const quoted = o.text.split('\n').map((l) => (l ? `> ${l}` : '>'));
  return `${newText}\n\nOn ${rfc2822(o.date)}, ${o.client.name} <${o.client.email}> wrote:\n${quoted.join('\n')}`;
}

function toHtml(text: string, o: Original | null): string {
  const paras = text
    .split('\n\n')
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  const quote = o
    ? `\n<div class="gmail_quote"><div dir="ltr">On ${escapeHtml(rfc2822(o.date))}, ${escapeHtml(o.client.name)} &lt;${o.client.email}&gt; wrote:</div>` +
      `<blockquote class="gmail_quote" style="margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex">` +
      o.text.split('\n\n').map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('') +
      `</blockquote></div>`
    : '';
  return (
    `<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">` +
    `<style>body{font-family:Calibri,Arial,sans-serif;font-size:11pt} p{margin:0 0 8px}</style></head>\n` +
    `<body><div dir="ltr">\n${paras}${quote}\n</div></body></html>`
  );
}

interface Part {
  headers: string[];
  body: string;
}

function textPart(text: string): Part {
  const needsQp = /[^\x20-\x7e\n]/.test(text) || text.split('\n').some((l) => l.length > 76);
  return needsQp
    ? { headers: ['Content-Type: text/plain; charset="UTF-8"', 'Content-Transfer-Encoding: quoted-printable'], body: qp(text) }
    : { headers: ['Content-Type: text/plain; charset="us-ascii"', 'Content-Transfer-Encoding: 7bit'], body: text.replace(/\n/g, CRLF) };
}

function htmlPart(html: string): Part {
  return { headers: ['Content-Type: text/html; charset="UTF-8"', 'Content-Transfer-Encoding: quoted-printable'], body: qp(html) };
}

function multipart(rng: Rng, subtype: string, parts: Part[]): Part {
  const boundary = `----=_Part_${rng.hex(8)}_${rng.hex(8)}`;
  const body =
    parts.map((p) => `--${boundary}${CRLF}${p.headers.join(CRLF)}${CRLF}${CRLF}${p.body}${CRLF}`).join('') + `--${boundary}--${CRLF}`;
  return { headers: [`Content-Type: multipart/${subtype}; boundary="${boundary}"`], body };
}

const alternative = (rng: Rng, text: string, html: string): Part => multipart(rng, 'alternative', [textPart(text), htmlPart(html)]);
const mixed = (rng: Rng, body: Part, attachment: Part): Part => multipart(rng, 'mixed', [body, attachment]);

function attachmentPart(rng: Rng, bytes: Rng, size: number, date: Date): Part {
  const month = `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
  const name = rng.pick([`invoice-${month}.pdf`, 'screenshot-error.pdf', 'contract_signed.pdf', 'Fotos – Galerie.pdf', 'menu.pdf']);
  // A PDF header and trailer around incompressible bytes, like a scanned document.
  const head = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1');
  const tail = Buffer.from('\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');
  const content = Buffer.concat([head, bytes.bytes(Math.max(0, size - head.length - tail.length)), tail]);
  const nameParam = /^[\x20-\x7e]*$/.test(name)
    ? `name="${name}"`
    : `name="${encodeWord(name)}"`;
  const fileParam = /^[\x20-\x7e]*$/.test(name)
    ? `filename="${name}"`
    : `filename*=UTF-8''${encodeURIComponent(name)}`;
  return {
    headers: [
      `Content-Type: application/pdf; ${nameParam}`,
      `Content-Disposition: attachment; ${fileParam}`,
      'Content-Transfer-Encoding: base64',
    ],
    body: (content.toString('base64').match(/.{1,76}/g) ?? []).join(CRLF),
  };
}

function qp(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    let enc = '';
    for (const byte of Buffer.from(line, 'utf8')) {
      enc += (byte >= 33 && byte <= 126 && byte !== 61) || byte === 32 ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    if (enc.endsWith(' ')) enc = enc.slice(0, -1) + '=20';
    // Soft line breaks keep lines under 76 characters without splitting an =XX escape.
    while (enc.length > 75) {
      let cut = 75;
      const eq = enc.lastIndexOf('=', cut - 1);
      if (eq > cut - 3) cut = eq;
      out.push(enc.slice(0, cut) + '=');
      enc = enc.slice(cut);
    }
    out.push(enc);
  }
  return out.join(CRLF);
}

function encodeWord(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}

function displayName(name: string): string {
  return /^[\x20-\x7e]*$/.test(name) ? `"${name.replace(/["\\]/g, '\\$&')}"` : encodeWord(name);
}

function ascii(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/Ł/g, 'L').replace(/ø/g, 'o');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function rfc2822(d: Date): string {
  return d.toUTCString().replace('GMT', '+0000');
}
