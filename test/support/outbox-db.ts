import type { MessageSnapshot, TicketSnapshot } from '../../src/tickets/changes.js';
import type { Db } from '../../src/store/db.js';

// Hand-made tickets and change snapshots for outbox tests that run without the ingest.

let n = 0;

export function makeTicket(db: Db, over: Partial<TicketSnapshot> = {}): TicketSnapshot {
  n++;
  const t: TicketSnapshot = {
    id: 0,
    key: `SEO-${1000 + n}`,
    typeId: 'seo',
    subject: 'Our listing vanished from Google',
    status: 'new',
    priority: 'normal',
    assignee: 'seth',
    checker: 'management',
    clientEmail: 'dana@bakery.example',
    clientName: 'Dana Whitfield',
    threadMessageId: `client-${n}@bakery.example`,
    createdAt: new Date().toISOString(),
    ...over,
  };
  const info = db
    .prepare(
      `INSERT INTO tickets (key, number, type_id, subject, status, assignee, opener_kind, opener_email, opener_name,
         checker, client_email, thread_message_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'client', ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(t.key, 1000 + n, t.typeId, t.subject, t.status, t.assignee, t.clientEmail ?? 'x@x', t.clientName, t.checker,
      t.clientEmail, t.threadMessageId, t.createdAt, t.createdAt);
  return { ...t, id: Number(info.lastInsertRowid) };
}

export function clientMessage(t: TicketSnapshot, over: Partial<MessageSnapshot> = {}): MessageSnapshot {
  return {
    id: 1,
    journalId: null,
    messageId: t.threadMessageId,
    references: ['earlier@bakery.example'],
    subject: t.subject,
    authorKind: 'client',
    authorEmail: t.clientEmail,
    authorName: t.clientName,
    visibleText: 'Since Monday we are gone from search. See https://evil.example/login?x=1 for details.',
    ...over,
  };
}
