import { describe, expect, it } from 'vitest';
import { createOutboxHook } from '../../src/outbox/enqueue.js';
import { runDaemon } from '../../src/service/daemon.js';
import { loadTemplates } from '../../src/templates/load.js';
import { useDovecot } from '../support/dovecot.js';
import { clientMail } from '../support/emails.js';
import { appendMail } from '../support/mailbox.js';
import { configFor, freshUser, journal, quiet, readDb, tickets } from '../support/ticketd.js';

// A client whose mail app drops the [KEY] tag (or who retypes the subject) answers our
// acknowledgement: the reply carries only In-Reply-To with the acknowledgement's Message-ID,
// which exists only in our outbox. It must land on the ticket, not open a second one with a
// second acknowledgement.

const dovecot = useDovecot();

describe('a reply to our acknowledgement without the [KEY] tag', () => {
  it('is appended to the ticket by In-Reply-To, and gets no second acknowledgement', async () => {
    const { user, dir } = freshUser('ackreply');
    const config = configFor(dir, user, dovecot);
    // The outbox hook alone: rows are written with the change; nothing is delivered.
    const once = () => runDaemon(config, { once: true, log: quiet, parts: [{ name: 'outbox', hooks: [createOutboxHook(config, loadTemplates(config))] }] });
    await appendMail(dovecot, user, [clientMail({ subject: 'Refund for order 5521' }).raw]);
    await once();
    const ack = readDb(config, (db) => db.prepare(`SELECT message_id AS id FROM outbox WHERE kind = 'ack'`).all()) as { id: string }[];
    expect(ack).toHaveLength(1);

    await appendMail(dovecot, user, [clientMail({ subject: 'Re: refund order 5521', body: 'Any news?\n', headers: [`In-Reply-To: <${ack[0]!.id}>`] }).raw]);
    await once();
    expect(tickets(config).map((t) => [t.key, t.client_wrote])).toEqual([['REF-1000', 1]]);
    expect(journal(config).map((r) => r.outcome)).toEqual(['created', 'appended']);
    expect(readDb(config, (db) => db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE kind = 'ack'`).get())).toEqual({ n: 1 });
  });
});
