import { describe, expect, it } from 'vitest';
import { createOutboxHook } from '../../src/outbox/enqueue.js';
import { typedMessage } from '../../src/service/ticket-mail.js';
import * as svc from '../../src/service/tickets.js';
import { openDb } from '../../src/store/db.js';
import { listOutbox } from '../../src/store/outbox.js';
import { loadTemplates } from '../../src/templates/load.js';
import type { Actor } from '../../src/tickets/status.js';
import { outboxConfig } from '../support/outbox-config.js';

// The mail staff work causes, written by the outbox hook inside the service's transaction.

const lee: Actor = { kind: 'staff', id: 'lee', role: 'lead' };
const seth: Actor = { kind: 'staff', id: 'seth', role: 'agent' };
const dana: Actor = { kind: 'client', email: 'dana@bakery.example' };

function setup(over: Record<string, unknown> = {}) {
  const config = outboxConfig(over);
  const db = openDb(':memory:');
  const ctx = { db, config, hooks: [createOutboxHook(config, loadTemplates(config))] };
  const opened = svc.open(ctx, dana, 'email', {
    typeId: 'seo',
    subject: 'Listing gone',
    client: { email: 'dana@bakery.example', name: 'Dana Whitfield' },
    message: { ...typedMessage('We vanished from Google.', 'Listing gone', { email: 'dana@bakery.example', name: 'Dana Whitfield' }), messageId: 'first@bakery.example' },
  });
  if (!opened.ok) throw new Error(opened.sentence);
  const rows = () => listOutbox(db, ['pending', 'held', 'sent', 'failed']);
  const fresh = (() => {
    let seen = rows().length;
    return () => {
      const all = rows();
      const out = all.slice(seen);
      seen = all.length;
      return out;
    };
  })();
  return { ctx, db, key: opened.ticket.key, fresh };
}

const ok = (r: svc.Result) => {
  if (!r.ok) throw new Error(r.sentence);
};

describe('mail from staff work', () => {
  it('a reassignment notifies the new assignee with who and why; the triage queue notifies nobody', () => {
    const { ctx, key, fresh } = setup();
    fresh();
    ok(svc.assign(ctx, lee, 'cli', { target: { key }, to: 'olivia', reason: 'Seth is out this week' }));
    const [notice, ...rest] = fresh();
    expect(rest).toEqual([]);
    expect(notice).toMatchObject({ kind: 'assigned', toAddr: 'olivia@agency.example', audience: 'staff', inReplyTo: 'first@bakery.example' });
    expect(notice!.text).toContain('(Lee assigned it)');
    expect(notice!.text).toContain('Why: Seth is out this week');
    expect(notice!.text).toContain('We vanished from Google.');
    ok(svc.assign(ctx, lee, 'cli', { target: { key }, to: null, reason: 'back to the pool' }));
    expect(fresh()).toEqual([]);
  });

  it('a send-back tells the worker why', () => {
    const { ctx, key, fresh } = setup();
    ok(svc.done(ctx, seth, 'cli', { key }));
    fresh();
    ok(svc.sendBack(ctx, lee, 'cli', { target: { key }, reason: 'opening hours still wrong' }));
    const [notice, ...rest] = fresh();
    expect(rest).toEqual([]);
    expect(notice).toMatchObject({ kind: 'sent_back', toAddr: 'seth@agency.example', subject: `[${key}] Sent back to you: Listing gone` });
    expect(notice!.text).toContain('Lee checked');
    expect(notice!.text).toContain('Why: opening hours still wrong');
    // Without signed reply addresses a reply by mail reaches nothing: the notice names the CLI.
    expect(notice!.text).toContain(`ticketd done ${key}`);
    expect(notice!.text).not.toContain('#tbc');
  });

  it('with signed reply addresses, the send-back notice says a "#tbc" reply marks it done', () => {
    const { ctx, key, fresh } = setup({ reply_addresses: { keys: [{ version: 1, secret: 'a secret for the tests' }] } });
    ok(svc.done(ctx, seth, 'cli', { key }));
    fresh();
    ok(svc.sendBack(ctx, lee, 'cli', { target: { key }, reason: 'opening hours still wrong' }));
    const [notice] = fresh();
    expect(notice!.text).toContain('reply to this email with "#tbc" on the first line');
    expect(notice!.html).toContain('<code>#tbc</code>');
  });

  it('a staff reply: to the client on the thread, signed with the name, carrying no automatic-reply headers; stored with its Message-ID', () => {
    const { ctx, db, key, fresh } = setup();
    fresh();
    ok(svc.reply(ctx, seth, 'cli', { target: { key }, text: 'Your listing is back.\nIt may take a day.' }));
    const [mail, ...rest] = fresh();
    expect(rest).toEqual([]);
    expect(mail).toMatchObject({ kind: 'reply', toAddr: 'dana@bakery.example', audience: 'outside', subject: `Re: [${key}] Listing gone`, inReplyTo: 'first@bakery.example' });
    // The From-name row header is not sent as such: delivery makes it the From's display name.
    expect(mail!.headers).toEqual({ 'X-Ticketd-Loop': 'ticketd', 'X-Ticketd-From-Name': 'Seth at Agency client services' });
    expect(mail!.text).toContain('Your listing is back.\nIt may take a day.');
    expect(mail!.text).toContain('Best regards,\nSeth\nAgency client services');
    expect(db.prepare(`SELECT message_id AS id, outbox_id AS ob FROM messages WHERE direction = 'out'`).get()).toEqual({ id: mail!.messageId, ob: mail!.id });
  });

  it('the closed notice goes once per close: reopening and closing again sends another', () => {
    const { ctx, key, fresh } = setup();
    ok(svc.done(ctx, seth, 'cli', { key }));
    fresh();
    ok(svc.close(ctx, lee, 'cli', { key }));
    expect(fresh().map((r) => [r.kind, r.toAddr])).toEqual([['closed', 'dana@bakery.example']]);
    expect(svc.close(ctx, lee, 'cli', { key })).toMatchObject({ ok: false, code: 'no_change' });
    ok(svc.setStatus(ctx, lee, 'cli', { target: { key }, to: 'open' }));
    ok(svc.done(ctx, seth, 'cli', { key }));
    ok(svc.close(ctx, lee, 'cli', { key }));
    expect(fresh().map((r) => r.kind)).toEqual(['closed']);
  });

  it('staff open a ticket for a client: no acknowledgement unless asked', () => {
    const { ctx, fresh } = setup();
    fresh();
    const msg = typedMessage('Call about the logo', 'Logo', { email: 'seth@agency.example', name: 'Seth' });
    const quiet = svc.open(ctx, seth, 'cli', { typeId: 'refund', subject: 'Logo', client: { email: 'eve@shop.example' }, message: msg, quiet: true });
    expect(quiet.ok).toBe(true);
    expect(fresh().map((r) => r.kind)).toEqual(['assigned']);
    svc.open(ctx, seth, 'cli', { typeId: 'refund', subject: 'Logo', client: { email: 'eve@shop.example' }, message: msg });
    expect(fresh().map((r) => [r.kind, r.toAddr])).toEqual([['ack', 'eve@shop.example'], ['assigned', 'olivia@agency.example']]);
  });
});
