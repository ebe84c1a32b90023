import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { generateMailbox } from './generate.js';

// The mails both senders send: the outbox rows ticketd wrote during the ingest pass, read
// as they are (same from/to/subject/text/html and threading headers).

export interface OutgoingMail {
  to: string;
  subject: string;
  messageId: string;
  inReplyTo: string | null;
  /** Message-IDs without angle brackets, oldest first. */
  references: string[];
  date: string;
  headers: Record<string, string>;
  text: string;
  html: string | null;
}

interface OutboxRow {
  to_addr: string;
  subject: string;
  message_id: string;
  in_reply_to: string | null;
  refs: string | null;
  headers: string;
  text: string;
  html: string | null;
  created_at: string;
}

/** The rows the drain will send (pending; held rows wait for a person). */
export function outboxMails(dbFile: string): OutgoingMail[] {
  if (!existsSync(dbFile)) return [];
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare<[], OutboxRow>(`SELECT to_addr, subject, message_id, in_reply_to, refs, headers, text, html, created_at FROM outbox WHERE status = 'pending' ORDER BY id`)
      .all();
    return rows.map((r) => ({
      to: r.to_addr,
      subject: r.subject,
      messageId: r.message_id,
      inReplyTo: r.in_reply_to,
      references: r.refs ? r.refs.split(' ') : [],
      date: r.created_at,
      headers: JSON.parse(r.headers) as Record<string, string>,
      text: r.text,
      html: r.html,
    }));
  } finally {
    db.close();
  }
}

/**
 * Stand-in acknowledgements, one per generated client request, shaped like the outbox's
 * (a text and an HTML part of typical length); used only while the outbox is not wired in.
 */
export function syntheticAcks(count: number, seed: number, supportAddress: string): OutgoingMail[] {
  const out: OutgoingMail[] = [];
  let n = 1000;
  for (const m of generateMailbox({ count, seed, supportAddress, attachmentBytes: 0 })) {
    if (m.reply) continue;
    const key = `REQ-${n++}`;
    const text =
      `Hello,\n\nThank you for your message "${m.subject}". We have opened ticket ${key} for it and ` +
      `a specialist will pick it up shortly; we usually answer within 2 business days.\n\n` +
      `Reply to this email to add anything; please keep [${key}] in the subject.\n\n-- \nClient Services\n`;
    const html = `<!DOCTYPE html><html><body><div style="font-family:Arial,sans-serif">${text
      .split('\n\n')
      .map((p) => `<p>${p.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\n/g, '<br>')}</p>`)
      .join('')}</div></body></html>`;
    out.push({
      to: m.from,
      subject: `[${key}] ${m.subject}`,
      messageId: `ack.${key}@bench.ticketd`,
      inReplyTo: m.messageId,
      references: [m.messageId],
      date: m.date.toISOString(),
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Ticketd-Loop': 'bench' },
      text,
      html,
    });
  }
  return out;
}
