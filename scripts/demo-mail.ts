// The demo's mail client: send a mail through the demo relay, read a mailbox of the demo
// Dovecot the way a person sees it, and reply to a mail the way a mail client does (to its
// Reply-To, on its thread, the original quoted below). demo-story.ts uses these functions;
// after `source .demo/env` they are also a command to keep playing with:
//
//   demo-mail send --from ADDR --to ADDR --subject S --text T   (\n in T is a line break)
//   demo-mail show USER                        every mail in USER's INBOX (maria, olivia, support, ...)
//   demo-mail reply USER --text T [--subject-has WORDS]
//                                              USER answers the latest mail in their INBOX (whose
//                                              subject has WORDS), quoting it, from the address it was sent to
//
// Ports come from --imap-port/--smtp-port or DEMO_IMAP_PORT/DEMO_SMTP_PORT; every demo mailbox
// has the password "ticketd" (DEMO_PASSWORD). The Dovecot user is the address's local part.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ImapFlow } from 'imapflow';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';

export interface Ports {
  imap: number;
  smtp: number;
  password: string;
}

export interface Delivered {
  uid: number;
  mail: ParsedMail;
}

export interface Outgoing {
  from: string;
  to: string;
  subject: string;
  text: string;
  inReplyTo?: string;
  references?: string[];
}

/** Submit a mail to the relay, as a client's or an agent's mail program would; its Message-ID. */
export async function send(ports: Ports, m: Outgoing): Promise<string> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: ports.smtp, secure: false, ignoreTLS: true });
  try {
    const info = await t.sendMail({ ...m, date: new Date() });
    return info.messageId;
  } finally {
    t.close();
  }
}

/** The mails in `user`'s INBOX with a UID above `afterUid`, oldest first. */
export async function read(ports: Ports, user: string, afterUid = 0): Promise<Delivered[]> {
  const client = new ImapFlow({ host: '127.0.0.1', port: ports.imap, secure: false, auth: { user, pass: ports.password }, logger: false });
  await client.connect();
  const out: Delivered[] = [];
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const box = client.mailbox;
      if (box && box.exists > 0) {
        for await (const m of client.fetch(`${afterUid + 1}:*`, { uid: true, source: true }, { uid: true })) {
          if (m.uid > afterUid && m.source) out.push({ uid: m.uid, mail: await simpleParser(m.source) });
        }
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
  return out.sort((a, b) => a.uid - b.uid);
}

const addresses = (a: AddressObject | AddressObject[] | undefined): string => (a ? (Array.isArray(a) ? a.map((x) => x.text).join(', ') : a.text) : '');
const firstAddress = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a[0] : a)?.value[0];

/** A mail as a mail client shows it: the header lines a person reads, then the text. */
export function format(mail: ParsedMail, timeZone: string, indent = '    '): string {
  const date = mail.date
    ? mail.date.toLocaleString('en-US', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' })
    : '';
  const head = [
    `From:     ${addresses(mail.from)}`,
    `To:       ${addresses(mail.to)}`,
    ...(mail.replyTo ? [`Reply-To: ${addresses(mail.replyTo)}`] : []),
    `Subject:  ${mail.subject ?? ''}`,
    `Date:     ${date}`,
  ];
  const text = (mail.text ?? '(no text part)').replace(/\s+$/, '');
  return [...head, '', ...text.split('\n')].map((l) => `${indent}${l}`.trimEnd()).join('\n');
}

/**
 * The reply a mail client writes: to the Reply-To (else the From), from the address the mail
 * was sent to, "Re:" subject, In-Reply-To and References, the original quoted below the text.
 */
export function replyTo(original: ParsedMail, text: string): Outgoing {
  const to = firstAddress(original.replyTo) ?? firstAddress(original.from);
  const me = firstAddress(original.to);
  if (!to?.address || !me?.address) throw new Error('the mail has no address to answer to, or none it was sent to');
  const subject = original.subject ?? '';
  const author = addresses(original.from);
  const when = original.date ? original.date.toUTCString() : 'an earlier date';
  const quoted = (original.text ?? '').replace(/\s+$/, '').split('\n').map((l) => (l ? `> ${l}` : '>')).join('\n');
  const refs = [...(Array.isArray(original.references) ? original.references : original.references ? [original.references] : [])];
  if (original.messageId) refs.push(original.messageId);
  return {
    from: me.name ? `${me.name} <${me.address}>` : me.address,
    to: to.address,
    subject: /^re:/i.test(subject) ? subject : `Re: ${subject}`,
    text: `${text.replace(/\s+$/, '')}\n\nOn ${when}, ${author} wrote:\n${quoted}\n`,
    ...(original.messageId ? { inReplyTo: original.messageId } : {}),
    references: refs,
  };
}

/** The Dovecot user whose INBOX an address's mail lands in. */
export const userOf = (address: string): string => address.split('@')[0]!.split('+')[0]!.toLowerCase();

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'imap-port': { type: 'string', default: process.env.DEMO_IMAP_PORT },
      'smtp-port': { type: 'string', default: process.env.DEMO_SMTP_PORT },
      from: { type: 'string' },
      to: { type: 'string' },
      subject: { type: 'string' },
      text: { type: 'string' },
      'subject-has': { type: 'string' },
      timezone: { type: 'string', default: process.env.DEMO_TIMEZONE ?? 'UTC' },
    },
  });
  const ports: Ports = { imap: Number(values['imap-port']), smtp: Number(values['smtp-port']), password: process.env.DEMO_PASSWORD ?? 'ticketd' };
  const [cmd, user] = positionals;
  const usage = () => {
    process.stderr.write('usage: demo-mail send --from A --to B --subject S --text T | show USER | reply USER --text T [--subject-has WORDS]\n');
    process.exit(2);
  };
  if (!ports.imap || !ports.smtp) {
    process.stderr.write('demo-mail: no ports: `source .demo/env` first (or pass --imap-port and --smtp-port)\n');
    process.exit(2);
  }
  if (cmd === 'send') {
    if (!values.from || !values.to || !values.subject || values.text === undefined) usage();
    const id = await send(ports, { from: values.from!, to: values.to!, subject: values.subject!, text: values.text!.replace(/\\n/g, '\n') });
    process.stdout.write(`sent ${id} to ${values.to}\n`);
  } else if (cmd === 'show' && user) {
    const mails = await read(ports, user);
    if (!mails.length) process.stdout.write(`${user}: no mail\n`);
    for (const m of mails) process.stdout.write(`--- ${user} #${m.uid}\n${format(m.mail, values.timezone!)}\n\n`);
  } else if (cmd === 'reply' && user && values.text !== undefined) {
    const has = values['subject-has']?.toLowerCase();
    const mails = (await read(ports, user)).filter((m) => !has || (m.mail.subject ?? '').toLowerCase().includes(has));
    const last = mails.at(-1);
    if (!last) {
      process.stderr.write(`demo-mail: no mail in ${user}'s INBOX${has ? ` with "${values['subject-has']}" in its subject` : ''}\n`);
      process.exit(1);
    }
    const reply = replyTo(last.mail, values.text!.replace(/\\n/g, '\n'));
    await send(ports, reply);
    process.stdout.write(`${reply.from} answered "${last.mail.subject}" to ${reply.to}\n`);
  } else usage();
}

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) await main();
