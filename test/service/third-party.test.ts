import { describe, expect, it } from 'vitest';
import { createOutboxHook } from '../../src/outbox/enqueue.js';
import { runDaemon } from '../../src/service/daemon.js';
import { showTicket } from '../../src/service/show-ticket.js';
import { loadTemplates } from '../../src/templates/load.js';
import { useDovecot } from '../support/dovecot.js';
import { clientMail } from '../support/emails.js';
import { appendMail } from '../support/mailbox.js';
import { configFor, freshUser, journal, quiet, readDb, tickets } from '../support/ticketd.js';

// Strangers on a thread (issue 7, item 4): a "Re: [KEY]" from someone who is not the ticket's
// client, of the client's organisation, or verified staff is kept on the ticket as a third
// party's message. It reopens nothing, flags nothing, and makes nobody a known client; a
// colleague of the client still counts as the client.

const dovecot = useDovecot();

describe('a stranger writing on a ticket under clients.allow "known"', () => {
  it('does not reopen a closed ticket, set the blue flag or become known; show marks the message', async () => {
    const { user, dir } = freshUser('stranger');
    const config = configFor(dir, user, dovecot, {
      clients: { allow: 'known', organisations: [{ name: 'Smile Bright Dental', domains: ['smilebright-dental.example'] }] },
    });
    const once = () => runDaemon(config, { once: true, log: quiet, parts: [{ name: 'outbox', hooks: [createOutboxHook(config, loadTemplates(config))] }] });
    await appendMail(dovecot, user, [clientMail({ from: 'Front Desk <frontdesk@smilebright-dental.example>', subject: 'Website is down' }).raw]);
    await once();
    expect(tickets(config).map((t) => t.key)).toEqual(['TEC-1000']);
    readDb(config, (db) => db.prepare(`UPDATE tickets SET status = 'closed', client_wrote = 0 WHERE key = 'TEC-1000'`).run());
    const outboxBefore = readDb(config, (db) => db.prepare('SELECT COUNT(*) AS n FROM outbox').get());

    await appendMail(dovecot, user, [clientMail({ from: 'Mallory <mallory@else.example>', subject: 'Re: [TEC-1000] Website is down', body: 'Your site is hacked, pay here.\n' }).raw]);
    await once();
    expect(tickets(config).map((t) => [t.key, t.status, t.client_wrote])).toEqual([['TEC-1000', 'closed', 0]]);
    expect(journal(config).at(-1)).toMatchObject({
      outcome: 'appended',
      reason: "third party: mallory@else.example is not TEC-1000's client (frontdesk@smilebright-dental.example), of its organisation, or verified staff",
    });
    readDb(config, (db) => {
      expect(db.prepare('SELECT email FROM clients ORDER BY email').all()).toEqual([{ email: 'frontdesk@smilebright-dental.example' }]);
      expect(db.prepare('SELECT COUNT(*) AS n FROM outbox').get()).toEqual(outboxBefore);
    });
    const shown = showTicket(config, 'TEC-1000');
    expect(shown.messages.map((m) => [m.authorEmail, m.thirdParty])).toEqual([
      ['frontdesk@smilebright-dental.example', false],
      ['mallory@else.example', true],
    ]);
    expect(shown.events.map((e) => e.kind)).toContain('third_party_wrote');

    // Still not known: a new mail from the stranger is refused, not ticketed.
    await appendMail(dovecot, user, [clientMail({ from: 'Mallory <mallory@else.example>', subject: 'New request' }).raw]);
    await once();
    expect(journal(config).at(-1)).toMatchObject({ outcome: 'ignored', reason: expect.stringMatching(/^unknown sender mallory@else.example/) });

    // A colleague of the client counts as the client: reopens and flags.
    await appendMail(dovecot, user, [clientMail({ from: 'Dr. Anita Patel <anita@smilebright-dental.example>', subject: 'Re: [TEC-1000] Website is down', body: 'Still down for us.\n' }).raw]);
    await once();
    expect(tickets(config).map((t) => [t.key, t.status, t.client_wrote])).toEqual([['TEC-1000', 'open', 1]]);
  });
});
