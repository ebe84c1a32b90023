import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import type { RawRow } from '../src/store/outbox.js';

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

// The columns the bare-nodemailer baseline reads, typed by the store's own row.
type OutboxRow = Pick<RawRow, 'to_addr' | 'subject' | 'message_id' | 'in_reply_to' | 'refs' | 'headers' | 'text' | 'html' | 'created_at'>;

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
