import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { createOutboxHook } from '../../src/outbox/enqueue.js';
import { runDaemon } from '../../src/service/daemon.js';
import { loadTemplates } from '../../src/templates/load.js';
import { useDovecot } from '../support/dovecot.js';
import { clientMail } from '../support/emails.js';
import { appendMail } from '../support/mailbox.js';
import { configFor, freshUser, journal, quiet, readDb, tickets } from '../support/ticketd.js';

// DESIGN invariant 4: the From address alone does not authenticate staff. A staff From counts
// as staff only with a DMARC pass in our own server's Authentication-Results (signed reply
// addresses will be the other proof); otherwise the mail is handled as from an unknown sender,
// with a "staff_unverified" event: no staff-checked ticket, no clearing of the blue flag, no
// automatic answer to the staff address.

const dovecot = useDovecot();
const OURS = 'mx.agency.example';

function setup(prefix: string, extra: Record<string, unknown> = {}) {
  const { user, dir } = freshUser(prefix);
  const config = configFor(dir, user, dovecot, extra);
  // The outbox hook alone: rows are written with the change; nothing is delivered.
  const once = () => runDaemon(config, { once: true, log: quiet, parts: [{ name: 'outbox', hooks: [createOutboxHook(config, loadTemplates(config))] }] });
  return { user, config, once };
}
const outboxRows = (config: Config) => readDb(config, (db) => db.prepare('SELECT kind, to_addr FROM outbox ORDER BY id').all());
const eventKinds = (config: Config) => readDb(config, (db) => (db.prepare('SELECT kind FROM events ORDER BY id').all() as { kind: string }[]).map((e) => e.kind));

describe('a forged staff From on a [KEY] subject', () => {
  it('is kept as a third party message: no command, no reopen, the blue flag stays, no mail out', async () => {
    const { user, config, once } = setup('forged');
    await appendMail(dovecot, user, [clientMail({ subject: 'Refund for order 77' }).raw]);
    await once();
    await appendMail(dovecot, user, [clientMail({ subject: 'Re: [REF-1000] Refund for order 77', body: 'Any news?\n' }).raw]);
    await once();
    readDb(config, (db) => db.prepare(`UPDATE tickets SET status = 'closed' WHERE key = 'REF-1000'`).run());
    const outboxBefore = outboxRows(config);
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
    // Still closed, still olivia's refund, and the client's question still flags it blue.
    expect(tickets(config).map((t) => [t.key, t.status, t.assignee, t.type_id, t.client_wrote])).toEqual([['REF-1000', 'closed', 'olivia', 'refund', 1]]);
    expect(outboxRows(config)).toEqual(outboxBefore);
    expect(eventKinds(config).slice(-2)).toEqual(['third_party_wrote', 'staff_unverified']);
    readDb(config, (db) => {
      expect(db.prepare('SELECT direction, author_kind, author_email FROM messages ORDER BY id DESC LIMIT 1').get()).toEqual({
        direction: 'in', author_kind: 'client', author_email: 'olivia@agency.example',
      });
    });
  });
});

describe('a staff From on a new subject', () => {
  it('without proof opens a client ticket checked by management, answers nobody, and says why', async () => {
    const { user, config, once } = setup('forgednew');
    await appendMail(dovecot, user, [clientMail({ from: 'Olivia Reyes <olivia@agency.example>', subject: 'Refund for Acme, please approve' }).raw]);
    await once();
    const [t] = tickets(config);
    expect(t).toMatchObject({ key: 'REF-1000', checker: 'management', client_email: 'olivia@agency.example' });
    expect(readDb(config, (db) => db.prepare('SELECT opener_kind FROM tickets').get())).toEqual({ opener_kind: 'client' });
    // The assignee's notice goes; no acknowledgement to the staff address.
    expect(outboxRows(config)).toEqual([{ kind: 'assigned', to_addr: 'olivia@agency.example' }]);
    expect(eventKinds(config)).toEqual(['created', 'staff_unverified', 'auto_answer_withheld']);
    const unverified = readDb(config, (db) => db.prepare(`SELECT data FROM events WHERE kind = 'staff_unverified'`).get()) as { data: string };
    expect(JSON.parse(unverified.data)).toEqual({
      staff: 'olivia',
      reason: 'unverified staff address: no trusted Authentication-Results configured (mail_auth.trusted_authserv_ids)',
    });
  });

  it('with a forged pass from another authserv-id is still unverified; with a DMARC pass from our server it is staff', async () => {
    const { user, config, once } = setup('verified', { mail_auth: { trusted_authserv_ids: [OURS] } });
    const from = 'Olivia Reyes <olivia@agency.example>';
    await appendMail(dovecot, user, [
      `Authentication-Results: mx.evil.example; dmarc=pass header.from=agency.example\n${clientMail({ from, subject: 'Refund for Acme, first' }).raw}`,
      `Authentication-Results: ${OURS}; dmarc=pass (p=reject) header.from=agency.example\nReceived: by ${OURS}\n${clientMail({ from, subject: 'Refund for Acme, second' }).raw}`,
    ]);
    await once();
    expect(readDb(config, (db) => db.prepare('SELECT key, opener_kind, checker, client_email FROM tickets ORDER BY id').all())).toEqual([
      { key: 'REF-1000', opener_kind: 'client', checker: 'management', client_email: 'olivia@agency.example' },
      { key: 'REF-1001', opener_kind: 'staff', checker: 'olivia', client_email: null },
    ]);
  });
});
