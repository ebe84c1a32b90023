import { describe, expect, it } from 'vitest';
import { useDovecot } from '../support/dovecot.js';
import { bounce, clientMail, listMail, outOfOffice } from '../support/emails.js';
import { appendMail, listFolder } from '../support/mailbox.js';
import { configFor, freshUser, journal, readDb, runOnce, snapshot, tickets } from '../support/ticketd.js';

// `run --once` in-process against a real Dovecot: what real-looking mail becomes.

const dovecot = useDovecot();

describe('ingest through Dovecot', () => {
  it('opens tickets by request type and assignee, also for mail a person already read, and marks them \\Seen', async () => {
    const { user, dir } = freshUser('types');
    const config = configFor(dir, user, dovecot);
    await appendMail(dovecot, user, [
      clientMail({ subject: 'Refund for the October invoice' }).raw,
      clientMail({ subject: 'Our website is down since this morning' }).raw,
      clientMail({ to: 'support+seo@agency.example', subject: 'Ranking question' }).raw,
      clientMail({ subject: 'Question about the Facebook page admin' }).raw,
      clientMail({ subject: 'Hello there' }).raw,
    ]);
    await appendMail(dovecot, user, [clientMail({ subject: 'Credit note please' }).raw], { flags: ['\\Seen'] });
    await runOnce(config);
    expect(tickets(config).map((t) => [t.key, t.type_id, t.assignee, t.status, t.checker])).toEqual([
      ['REF-1000', 'refund', 'olivia', 'new', 'management'],
      ['TEC-1001', 'tech', 'joe', 'new', 'management'],
      ['SEO-1002', 'seo', 'seth', 'new', 'management'],
      ['FB-1003', 'facebook', 'lindsey', 'new', 'management'],
      ['TRI-1004', 'triage', null, 'new', 'management'],
      ['REF-1005', 'refund', 'olivia', 'new', 'management'],
    ]);
    const rows = journal(config);
    expect(rows.map((r) => [r.outcome, r.server_marked])).toEqual(Array(6).fill(['created', 1]));
    expect((await listFolder(dovecot, user)).every((m) => m.seen)).toBe(true);
  });

  it('threads replies by subject tag and by In-Reply-To, sets the client-wrote flag and reopens a closed ticket', async () => {
    const { user, dir } = freshUser('thread');
    const config = configFor(dir, user, dovecot);
    const first = clientMail({ subject: 'Refund for order 5521' });
    const other = clientMail({ subject: 'Invoice copy needed' });
    await appendMail(dovecot, user, [first.raw, other.raw]);
    await runOnce(config);
    expect(tickets(config).map((t) => t.key)).toEqual(['REF-1000', 'BIL-1001']);
    readDb(config, (db) => db.prepare(`UPDATE tickets SET status = 'closed' WHERE key = 'BIL-1001'`).run());

    await appendMail(dovecot, user, [
      clientMail({ subject: 'Re: [REF-1000] Refund for order 5521', body: 'Any news?\n\n> earlier text\n' }).raw,
      clientMail({ subject: 'Re: Invoice copy needed', headers: [`In-Reply-To: <${other.messageId}>`, `References: <${other.messageId}>`] }).raw,
    ]);
    await runOnce(config);
    expect(tickets(config).map((t) => [t.key, t.status, t.client_wrote])).toEqual([
      ['REF-1000', 'new', 1],
      ['BIL-1001', 'open', 1],
    ]);
    expect(journal(config).map((r) => r.outcome)).toEqual(['created', 'created', 'appended', 'appended']);
    const visible = readDb(config, (db) => db.prepare(`SELECT visible_text FROM messages ORDER BY id DESC LIMIT 1 OFFSET 1`).get()) as { visible_text: string };
    expect(visible.visible_text).toBe('Any news?');
  });

  it('ignores auto-replies, bounces and list mail with reasons; an auto-reply on a thread is an event only', async () => {
    const { user, dir } = freshUser('noise');
    const config = configFor(dir, user, dovecot);
    const first = clientMail({ subject: 'Refund for order 77' });
    await appendMail(dovecot, user, [first.raw]);
    await runOnce(config);
    const before = tickets(config);
    await appendMail(dovecot, user, [outOfOffice({ subject: 'Refund for order 77', inReplyTo: first.messageId }).raw, bounce().raw, listMail().raw]);
    await runOnce(config);
    expect(tickets(config)).toEqual(before);
    const rows = journal(config).slice(1);
    expect(rows.map((r) => r.outcome)).toEqual(['ignored', 'ignored', 'ignored']);
    expect(rows[0]!.reason).toMatch(/auto/i);
    expect(rows[0]!.ticket_id).not.toBeNull();
    expect(rows[1]!.reason).toMatch(/bounce|delivery/i);
    expect(rows[2]!.reason).toMatch(/list/i);
    const kinds = readDb(config, (db) => db.prepare('SELECT kind FROM events ORDER BY id').all());
    expect(kinds).toEqual([{ kind: 'created' }, { kind: 'mail_ignored' }]);
  });

  it('a second run --once changes nothing', async () => {
    const { user, dir } = freshUser('twice');
    const config = configFor(dir, user, dovecot);
    await appendMail(dovecot, user, [clientMail({ subject: 'Refund please' }).raw, clientMail({ subject: 'Website error 500' }).raw, bounce().raw]);
    await runOnce(config);
    const first = snapshot(config);
    await runOnce(config);
    expect(snapshot(config)).toEqual(first);
    expect(first.tickets).toHaveLength(2);
  });
});
