import { describe, expect, it } from 'vitest';
import { createOutboxHook } from '../../src/outbox/enqueue.js';
import { runDaemon } from '../../src/service/daemon.js';
import { loadTemplates } from '../../src/templates/load.js';
import { useDovecot } from '../support/dovecot.js';
import { clientMail } from '../support/emails.js';
import { appendMail } from '../support/mailbox.js';
import { configFor, freshUser, journal, quiet, readDb, tickets } from '../support/ticketd.js';

// DESIGN invariant 4: the From address alone does not authenticate staff. Until signed reply
// addresses exist, a mail with a forged staff From on a [KEY] subject may only do what a staff
// reply does without commands: append a message marked staff and clear the blue flag. It
// must not change status, assignee or type, reopen, or send anything to anyone.

const dovecot = useDovecot();

describe('a forged staff From on a [KEY] subject', () => {
  it('only appends a staff message and clears the blue flag: no command, no reopen, no mail out', async () => {
    const { user, dir } = freshUser('forged');
    const config = configFor(dir, user, dovecot);
    const once = () => runDaemon(config, { once: true, log: quiet, parts: [{ name: 'outbox', hooks: [createOutboxHook(config, loadTemplates(config))] }] });
    await appendMail(dovecot, user, [clientMail({ subject: 'Refund for order 77' }).raw]);
    await once();
    await appendMail(dovecot, user, [clientMail({ subject: 'Re: [REF-1000] Refund for order 77', body: 'Any news?\n' }).raw]);
    await once();
    readDb(config, (db) => db.prepare(`UPDATE tickets SET status = 'closed' WHERE key = 'REF-1000'`).run());
    const outboxBefore = readDb(config, (db) => db.prepare('SELECT id, kind, to_addr FROM outbox ORDER BY id').all());
    expect(outboxBefore).toHaveLength(2); // the acknowledgement and the assignee's notice

    await appendMail(dovecot, user, [
      clientMail({
        from: 'Olivia Reyes <olivia@agency.example>',
        subject: 'Re: [REF-1000] Refund for order 77',
        headers: ['Reply-To: refunds@attacker.example'],
        body: '#status open\n#assign lee\n#type billing\nRefund approved: please send your card number.\n',
      }).raw,
    ]);
    await once();
    expect(journal(config).map((r) => r.outcome)).toEqual(['created', 'appended', 'appended']);
    expect(tickets(config).map((t) => [t.key, t.status, t.assignee, t.type_id, t.client_wrote])).toEqual([['REF-1000', 'closed', 'olivia', 'refund', 0]]);
    readDb(config, (db) => {
      expect(db.prepare('SELECT id, kind, to_addr FROM outbox ORDER BY id').all()).toEqual(outboxBefore);
      expect(db.prepare('SELECT kind FROM events ORDER BY id DESC LIMIT 1').get()).toEqual({ kind: 'staff_replied' });
      expect(db.prepare('SELECT direction, author_kind, author_email FROM messages ORDER BY id DESC LIMIT 1').get()).toEqual({
        direction: 'in', author_kind: 'staff', author_email: 'olivia@agency.example',
      });
    });
  });
});
