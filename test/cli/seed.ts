import { openDb, type Db } from '../../src/store/db.js';

// Writes tickets, messages, events and journal rows straight into a fresh store, for the
// read commands' tests. (The end-to-end test goes through the daemon and a real Dovecot.)

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();

export interface Seeded {
  refKey: string;
  seoKey: string;
  triKey: string;
  closedKey: string;
}

export function seedStore(file: string): Seeded {
  const db = openDb(file);
  try {
    db.transaction(() => seed(db))();
  } finally {
    db.close();
  }
  return { refKey: 'REF-1000', seoKey: 'SEO-1001', triKey: 'TRI-1002', closedKey: 'REF-1003' };
}

function seed(db: Db): void {
  const journal = db.prepare(
    `INSERT INTO journal (mailbox, uidvalidity, uid, message_id, sha256, raw_path, size, subject, from_addr,
       fetched_at, outcome, reason, ticket_id, trace, processed_at, server_marked)
     VALUES (@mailbox, 1, @uid, @messageId, @sha, 'raw/x', 100, @subject, @from, @at, @outcome, @reason, @ticketId, @trace, @at, 1)`,
  );
  const ticket = db.prepare(
    `INSERT INTO tickets (key, number, type_id, subject, status, assignee, opener_kind, opener_email, opener_name,
       checker, client_email, organisation, client_wrote, created_at, updated_at, closed_at)
     VALUES (@key, @number, @type, @subject, @status, @assignee, 'client', @client, @name, 'management', @client,
       @org, @wrote, @at, @at, @closedAt)`,
  );
  const message = db.prepare(
    `INSERT INTO messages (ticket_id, journal_id, direction, author_kind, author_email, message_id, subject,
       body_text, visible_text, created_at)
     VALUES (@ticketId, @journalId, 'in', 'client', @from, @messageId, @subject, @body, @visible, @at)`,
  );
  const event = db.prepare(
    `INSERT INTO events (ticket_id, journal_id, at, actor, via, kind, data) VALUES (?, ?, ?, ?, 'email', ?, ?)`,
  );
  const attachment = db.prepare(
    `INSERT INTO attachments (message_id, filename, content_type, size, sha256, path, note) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );

  const tickets = [
    { key: 'REF-1000', number: 1000, type: 'refund', subject: 'Refund for invoice 4411', status: 'new', assignee: 'olivia', client: 'alice@acme.example', name: 'Alice', org: 'Acme', wrote: 1, at: hoursAgo(50) },
    { key: 'SEO-1001', number: 1001, type: 'seo', subject: 'Ranking dropped', status: 'tbc', assignee: 'seth', client: 'bob@bobs.example', name: 'Bob', org: null, wrote: 0, at: hoursAgo(5) },
    { key: 'TRI-1002', number: 1002, type: 'triage', subject: 'Question about something', status: 'open', assignee: null, client: 'carol@acme.example', name: 'Carol', org: 'Acme', wrote: 0, at: hoursAgo(1) },
    { key: 'REF-1003', number: 1003, type: 'refund', subject: 'Old refund', status: 'closed', assignee: 'olivia', client: 'dan@dan.example', name: 'Dan', org: null, wrote: 0, at: hoursAgo(100) },
  ];
  let uid = 0;
  for (const t of tickets) {
    const ticketId = Number(ticket.run({ ...t, closedAt: t.status === 'closed' ? t.at : null }).lastInsertRowid);
    uid++;
    const messageId = `m${uid}@client.example`;
    const journalId = Number(
      journal.run({ mailbox: 'support@127.0.0.1/INBOX', uid, messageId, sha: `sha${uid}`, subject: t.subject, from: t.client, at: t.at, outcome: 'created', reason: null, ticketId, trace: '[]' }).lastInsertRowid,
    );
    const body = `Hello, about ${t.subject}.\n\nThanks\n-- \n${t.name}\n\n> quoted history line`;
    const msgId = Number(
      message.run({ ticketId, journalId, from: t.client, messageId, subject: t.subject, body, visible: `Hello, about ${t.subject}.`, at: t.at }).lastInsertRowid,
    );
    event.run(ticketId, journalId, t.at, t.client, 'created', JSON.stringify({ type: t.type, assignee: t.assignee }));
    if (t.key === 'REF-1000') {
      attachment.run(msgId, 'invoice-4411.pdf', 'application/pdf', 2048, 'abc', 'att/ab/abc', null);
      attachment.run(msgId, 'huge.zip', 'application/zip', 31457280, null, null, 'over the 25 MB cap');
    }
  }
  uid++;
  journal.run({ mailbox: 'support@127.0.0.1/INBOX', uid, messageId: 'ooo@auto.example', sha: 'sha-ooo', subject: 'Out of office', from: 'eve@acme.example', at: hoursAgo(0.5), outcome: 'ignored', reason: 'auto-reply: Auto-Submitted: auto-replied', ticketId: null, trace: '[]' });
  uid++;
  journal.run({ mailbox: 'support@127.0.0.1/INBOX', uid, messageId: 'broken@x.example', sha: 'sha-broken', subject: 'Broken', from: 'frank@x.example', at: hoursAgo(0.2), outcome: 'failed', reason: 'PARSE: no usable content', ticketId: null, trace: null });
}
