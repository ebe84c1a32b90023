import { afterAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/router/pipeline.js';
import type { LookupPort } from '../../src/router/types.js';
import { openDb } from '../../src/store/db.js';
import { eventStore } from '../../src/store/events.js';
import { createLookup } from '../../src/store/lookup.js';
import { insertOutbox } from '../../src/store/outbox.js';
import { ticketStore } from '../../src/store/tickets.js';
import { fakeLookup, type FakeTicket } from '../support/fake-lookup.js';
import { mailOf, testConfig } from '../support/router.js';

// One threading table, run against the real createLookup on a store seeded through the store's
// own writers and against the fake the pipeline tests use, so the two cannot drift apart.

const at = '2026-11-23T09:00:00.000Z';
const db = openDb(':memory:');
afterAll(() => db.close());
const tickets = ticketStore(db);

function seedTicket(prefix: string, subject: string, clientEmail: string, inbound: string[], sent: string[]): FakeTicket {
  const { id, key } = tickets.create({
    typeId: 'tech', prefix, numberStart: 1000, subject, priority: 'normal', assignee: 'joe', openerKind: 'client',
    openerEmail: clientEmail, openerName: null, checker: 'management', clientEmail, organisation: null, threadMessageId: inbound[0]!, at,
  });
  for (const messageId of inbound) {
    tickets.addMessage({ ticketId: id, journalId: null, direction: 'in', authorKind: 'client', authorEmail: clientEmail, messageId, subject, bodyText: 'x', visibleText: 'x', bodyHtml: null, at });
  }
  for (const messageId of sent) seedOutbox(id, clientEmail, messageId);
  return { id, key, status: 'new', subject, clientEmail, messageIds: inbound, sentMessageIds: sent };
}

function seedOutbox(ticketId: number | null, toAddr: string, messageId: string): void {
  insertOutbox(db, {
    ticketId, journalId: null, kind: ticketId ? 'ack' : 'status', toAddr, recipientKey: toAddr, audience: 'outside', subject: 's', messageId, inReplyTo: null, refs: [],
    headers: {}, text: 't', html: null, status: 'pending', lastError: null, createdAt: at,
  });
}

const photo = seedTicket('TECH', 'New team photo for the website', 'frontdesk@smile.example', ['c1@smile.example', 'c2@smile.example'], ['ticketd.TECH-1000.ack@us.example', 'ticketd.TECH-1000.assigned@us.example']);
const bill = seedTicket('REF', 'Question about November invoice', 'maria@tapas.example', ['cb@tapas.example'], ['ticketd.REF-1001.ack@us.example']);
seedOutbox(null, 'maria@tapas.example', 'ticketd.status.1@us.example');
// joe copied the photo ticket's client on a staff mail (staff-mail.ts writes this event).
const exposedAt = '2026-11-24T10:00:00.000Z';
eventStore(db).add({ ticketId: photo.id, journalId: null, at: exposedAt, actor: 'joe', via: 'email', kind: 'reply_address_exposed', data: { to: ['frontdesk@smile.example'] } });

const lookups: [string, LookupPort][] = [
  ['createLookup', createLookup(db)],
  ['fakeLookup', fakeLookup({ tickets: [photo, bill], ownMessageIds: ['ticketd.status.1@us.example'], exposed: [{ ticketId: photo.id, staffId: 'joe', at: new Date(exposedAt) }] })],
];

describe.each(lookups)('%s', (_name, lookup) => {
  it.each([
    ['our acknowledgement alone', ['ticketd.TECH-1000.ack@us.example'], 'TECH-1000'],
    ['a later notice of ours', ['ticketd.TECH-1000.assigned@us.example'], 'TECH-1000'],
    ['the thread id', ['c1@smile.example'], 'TECH-1000'],
    ['a later client mail', ['c2@smile.example'], 'TECH-1000'],
    ['newest reference first (ours last)', ['cb@tapas.example', 'ticketd.TECH-1000.ack@us.example'], 'TECH-1000'],
    ['newest reference first (theirs last)', ['ticketd.TECH-1000.ack@us.example', 'cb@tapas.example'], 'REF-1001'],
    ['unknown ids around ours', ['x@else.example', 'ticketd.REF-1001.ack@us.example', 'y@else.example'], 'REF-1001'],
    ['our mail on no ticket', ['ticketd.status.1@us.example'], null],
    ['nothing known', ['x@else.example'], null],
    ['no ids', [], null],
  ])('ticketByMessageIds: %s', (_n, ids, key) => {
    expect(lookup.ticketByMessageIds(ids)?.key ?? null).toBe(key);
  });

  it.each([
    ['ticketd.TECH-1000.ack@us.example', true],
    ['ticketd.status.1@us.example', true],
    ['c1@smile.example', false],
    ['x@else.example', false],
  ])('isOwnMessageId(%s) is %s', (id, own) => {
    expect(lookup.isOwnMessageId(id)).toBe(own);
  });

  it.each([
    ['the copied staff member, since a day before', photo.id, 'joe', '2026-11-24T00:00:00.000Z', true],
    ['the copied staff member, since after the copy', photo.id, 'joe', '2026-11-25T00:00:00.000Z', false],
    ['another staff member on that ticket', photo.id, 'olivia', '2026-11-24T00:00:00.000Z', false],
    ['another ticket', bill.id, 'joe', '2026-11-24T00:00:00.000Z', false],
  ])('replyAddressExposed: %s', (_n, ticketId, staffId, since, exposed) => {
    expect(lookup.replyAddressExposed(ticketId, staffId, new Date(since))).toBe(exposed);
  });
});

describe('the pipeline on the real store', () => {
  const ctx = { config: testConfig(), lookup: createLookup(db) };

  it('appends a reply to our acknowledgement that has only In-Reply-To (no [KEY] tag) to its ticket', async () => {
    const mail = await mailOf({
      From: 'frontdesk@smile.example', Subject: 'Re: New team photo', 'Message-ID': '<c3@smile.example>', 'In-Reply-To': '<ticketd.TECH-1000.ack@us.example>',
    });
    const { plan, decision } = runPipeline(mail, ctx);
    expect(plan).toMatchObject({ action: 'append', ticket: { key: 'TECH-1000' } });
    expect(decision.threadedBy).toBe('headers');
  });

  it('still ignores our acknowledgement coming back, although it now threads', async () => {
    const mail = await mailOf({
      From: 'frontdesk@smile.example', Subject: 'New team photo', 'Message-ID': '<ticketd.TECH-1000.ack@us.example>', 'In-Reply-To': '<c1@smile.example>',
    });
    const { plan } = runPipeline(mail, ctx);
    expect(plan).toEqual({ action: 'ignore', reason: 'own mail (loop): Message-ID ticketd.TECH-1000.ack@us.example was sent by us' });
  });
});
