import { openDb } from '../../src/store/db.js';
import { seedStore } from './seed.js';

// seedStore's four tickets plus a working day for `today`, `client`, `rework` and `list --mine`:
// several people's tickets in several statuses, an organisation spread over two domains,
// known clients, a staff-opened ticket its opener checks, and rework with hostile reasons.

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();

/** The reason a checker wrote, as a spreadsheet attacker would. */
export const HOSTILE_REASON = '=HYPERLINK("http://evil.example","open"), then "fix it"\nsecond line';

export function seedWorkday(file: string): void {
  seedStore(file);
  const db = openDb(file);
  try {
    db.transaction(() => {
      const ticket = db.prepare(
        `INSERT INTO tickets (key, number, type_id, subject, status, priority, assignee, opener_kind, opener_email, opener_name,
           checker, client_email, organisation, client_wrote, created_at, updated_at, closed_at, worker)
         VALUES (@key, @number, @type, @subject, @status, @priority, @assignee, @openerKind, @openerEmail, NULL, @checker,
           @client, @org, @wrote, @at, @at, @closedAt, @worker)`,
      );
      const message = db.prepare(
        `INSERT INTO messages (ticket_id, direction, author_kind, author_email, subject, body_text, visible_text, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const base = { priority: 'normal', openerKind: 'client', checker: 'management', org: null, wrote: 0, closedAt: null, worker: null };
      const add = (t: Record<string, unknown>): number => {
        const row = { ...base, openerEmail: t.client, ...t };
        const id = Number(ticket.run(row).lastInsertRowid);
        message.run(id, 'in', 'client', t.client, t.subject, `About ${String(t.subject)}.\n\n> old quote`, `About ${String(t.subject)}.`, t.at);
        return id;
      };
      const ref1004 = add({ key: 'REF-1004', number: 1004, type: 'refund', subject: 'Second refund', status: 'open', priority: 'high', assignee: 'olivia', client: 'alice@acme.example', org: 'Acme', at: hoursAgo(80) });
      message.run(ref1004, 'out', 'staff', 'olivia@agency.example', 'Re: Second refund', 'We are on it.\n\nOlivia\n> About Second refund.', '  We are on it.  ', hoursAgo(3));
      add({ key: 'REF-1005', number: 1005, type: 'refund', subject: 'Credit note layout', status: 'tbc', assignee: 'seth', openerKind: 'staff', openerEmail: 'olivia@agency.example', checker: 'olivia', client: 'erin@erin.example', at: hoursAgo(30), worker: 'seth' });
      add({ key: 'TRI-1006', number: 1006, type: 'triage', subject: 'Who do I ask?', status: 'new', assignee: null, client: 'frank@acme.example', org: 'Acme', at: hoursAgo(70) });
      add({ key: 'SEO-1007', number: 1007, type: 'seo', subject: 'Sitemap', status: 'tbc', assignee: 'seth', client: 'bob@bobs.example', at: hoursAgo(60), worker: 'seth' });
      add({ key: 'REF-1008', number: 1008, type: 'refund', subject: 'First refund', status: 'closed', assignee: 'olivia', client: 'alice@acme.example', org: 'Acme', at: hoursAgo(200), closedAt: hoursAgo(10) });
      add({ key: 'SEO-1009', number: 1009, type: 'seo', subject: 'Other domain, same company', status: 'open', assignee: 'seth', client: 'gina@acme-mail.example', org: 'Acme', at: hoursAgo(40) });
      add({ key: 'REF-1010', number: 1010, type: 'refund', subject: 'Last winter', status: 'closed', assignee: 'olivia', client: 'old@old.example', at: '2025-01-15T18:30:00.000Z', closedAt: '2025-01-16T18:30:00.000Z' });

      const client = db.prepare(`INSERT INTO clients (email, name, organisation, first_seen) VALUES (?, ?, ?, ?)`);
      client.run('alice@acme.example', 'Alice Archer', 'Acme', hoursAgo(200));
      client.run('carol@acme.example', 'Carol', 'Acme', hoursAgo(1));
      client.run('bob@bobs.example', 'Bob', null, hoursAgo(60));
      client.run('quiet@acme.example', null, 'Acme', hoursAgo(300)); // wrote once, no ticket (a status request)

      const rework = db.prepare(
        `INSERT INTO rework (ticket_id, type_id, worker, checker, sent_back_at, reason, back_to_tbc_at)
         VALUES ((SELECT id FROM tickets WHERE key = ?), ?, ?, ?, ?, ?, ?)`,
      );
      rework.run('SEO-1001', 'seo', 'seth', 'lee', '2025-03-03T15:00:00.000Z', HOSTILE_REASON, '2025-03-04T15:00:00.000Z');
      rework.run('REF-1004', 'refund', 'olivia', 'mia', '2025-03-10T15:00:00.000Z', '-wrong amount; @finance knows', null);
      rework.run('SEO-1007', 'seo', 'seth', 'mia', '2025-03-12T04:59:00.000Z', 'plain', null);
    })();
  } finally {
    db.close();
  }
}
