import { describe, expect, it } from 'vitest';
import { createOutboxHook } from '../../src/outbox/enqueue.js';
import { openDb, type Db } from '../../src/store/db.js';
import { listOutbox, type OutboxRow } from '../../src/store/outbox.js';
import { loadTemplates } from '../../src/templates/load.js';
import { outboxConfig } from '../support/outbox-config.js';
import { clientMessage, makeTicket } from '../support/outbox-db.js';

function setup(over: Record<string, unknown> = {}, now?: () => Date) {
  const config = outboxConfig(over);
  const db = openDb(':memory:');
  const hook = createOutboxHook(config, loadTemplates(config), { now });
  return { config, db, hook };
}

const rows = (db: Db): OutboxRow[] => listOutbox(db, ['pending', 'held', 'sent', 'failed']);
const events = (db: Db) => db.prepare(`SELECT ticket_id AS ticketId, kind, data FROM events ORDER BY id`).all() as { ticketId: number; kind: string; data: string }[];

describe('outbox enqueue hook', () => {
  it('a new ticket writes one acknowledgement replying to the client and one notice to the assignee', () => {
    const { db, hook } = setup();
    const t = makeTicket(db);
    const m = clientMessage(t);
    hook(db, { kind: 'ticket-created', ticket: t, message: m });
    const [ack, notice, ...rest] = rows(db);
    expect(rest).toEqual([]);

    expect(ack).toMatchObject({ kind: 'ack', toAddr: 'dana@bakery.example', status: 'pending', ticketId: t.id });
    expect(ack!.subject).toBe(`[${t.key}] Our listing vanished from Google`);
    expect(ack!.inReplyTo).toBe(m.messageId);
    expect(ack!.refs).toEqual(['earlier@bakery.example', m.messageId]);
    expect(ack!.messageId).toMatch(/^[\w.-]+@agency\.example$/);
    expect(ack!.headers).toEqual({ 'Auto-Submitted': 'auto-replied', 'X-Ticketd-Loop': 'ticketd', 'X-Auto-Response-Suppress': 'All' });
    expect(ack!.text).toContain('3 business days');
    expect(ack!.html).toContain(t.key);

    expect(notice).toMatchObject({ kind: 'assigned', toAddr: 'seth@agency.example', inReplyTo: t.threadMessageId });
    expect(notice!.subject).toContain(`[${t.key}]`);
    expect(notice!.headers['Auto-Submitted']).toBe('auto-generated');
    expect(notice!.text).toContain('Dana Whitfield <dana@bakery.example>');
    expect(notice!.text).toContain('See [link removed] for details.');
    expect(notice!.text).not.toContain('evil.example');
    expect(notice!.messageId).not.toBe(ack!.messageId);
  });

  it('a ticket in the triage queue gets the acknowledgement but no assignment notice', () => {
    const { db, hook } = setup();
    const t = makeTicket(db, { typeId: 'triage', assignee: null });
    hook(db, { kind: 'ticket-created', ticket: t, message: clientMessage(t) });
    expect(rows(db).map((r) => r.kind)).toEqual(['ack']);
  });

  it('a change marked noAutoAnswer writes no acknowledgement, status answer or unknown-sender answer; the notice still goes', () => {
    const { db, hook } = setup();
    const t = makeTicket(db);
    const m = clientMessage(t);
    const sender = { kind: 'client' as const, email: 'dana@bakery.example', name: 'Dana' };
    hook(db, { kind: 'ticket-created', ticket: t, message: m, noAutoAnswer: 'sender not authenticated' });
    hook(db, { kind: 'status-requested', sender, message: m, noAutoAnswer: 'sender not authenticated' });
    hook(db, { kind: 'sender-refused', sender, message: m, reason: 'unknown sender', noAutoAnswer: 'sender not authenticated' });
    expect(rows(db).map((r) => [r.kind, r.toAddr])).toEqual([['assigned', 'seth@agency.example']]);
  });

  it('a client reply on a ticket writes nothing: no second acknowledgement', () => {
    const { db, hook } = setup();
    const t = makeTicket(db);
    hook(db, { kind: 'message-appended', ticket: t, message: clientMessage(t, { messageId: 'reply@bakery.example' }), reopened: false });
    expect(rows(db)).toEqual([]);
  });

  it('closing a ticket writes the closed notice on the ticket thread; other status changes write nothing', () => {
    const { db, hook } = setup();
    const t = makeTicket(db, { status: 'tbc' });
    hook(db, { kind: 'status-changed', ticket: t, from: 'open', to: 'tbc', actor: 'seth' });
    expect(rows(db)).toEqual([]);
    hook(db, { kind: 'status-changed', ticket: { ...t, status: 'closed' }, from: 'tbc', to: 'closed', actor: 'lee' });
    const [closed] = rows(db);
    expect(closed).toMatchObject({ kind: 'closed', toAddr: t.clientEmail, inReplyTo: t.threadMessageId, refs: [t.threadMessageId] });
    expect(closed!.subject).toBe(`[${t.key}] Done: ${t.subject}`);
  });

  it('a status request is answered with the open tickets of that client only', () => {
    const { db, hook } = setup();
    const a = makeTicket(db, { subject: 'Fix the menu page' });
    makeTicket(db, { subject: 'Old closed one', status: 'closed' });
    makeTicket(db, { subject: 'Someone else', clientEmail: 'other@x.example' });
    const sender = { kind: 'client' as const, email: 'dana@bakery.example', name: 'Dana Whitfield' };
    const m = clientMessage(a, { messageId: 'status-q@bakery.example', references: [], subject: 'status' });
    hook(db, { kind: 'status-requested', sender, message: m });
    const [status, ...rest] = rows(db);
    expect(rest).toEqual([]);
    expect(status).toMatchObject({ kind: 'status', toAddr: 'dana@bakery.example', ticketId: null, inReplyTo: 'status-q@bakery.example' });
    expect(status!.text).toContain(`${a.key}: Fix the menu page`);
    expect(status!.text).not.toContain('Old closed one');
    expect(status!.text).not.toContain('Someone else');
  });

  it('a refused unknown sender gets the unknown-sender answer, which repeats neither their subject nor their name', () => {
    const { db, hook } = setup();
    const sender = { kind: 'unknown' as const, email: 'stranger@else.example', name: 'Cheap Pills Online' };
    const m = { id: 0, journalId: null, messageId: 'q@else.example', references: [], subject: 'Buy cheap pills now', authorKind: 'client' as const, authorEmail: sender.email, authorName: sender.name, visibleText: 'hi' };
    hook(db, { kind: 'sender-refused', sender, message: m, reason: 'unknown sender' });
    const [r] = rows(db);
    expect(r).toMatchObject({ kind: 'unknown_sender', toAddr: 'stranger@else.example', subject: 'Your message to Agency client services', inReplyTo: 'q@else.example' });
    expect(r!.text).toMatch(/^Hello,/);
    for (const part of [r!.subject, r!.text, r!.html ?? '']) expect(part).not.toMatch(/pills/i);
  });

  it('rows stored before parse cleaned them: a hostile client name gives a neutral greeting, ESC leaves the subject, References stay small', () => {
    const { db, hook } = setup();
    const t = makeTicket(db, { clientName: 'Bob,\n\nYour account is locked, verify at http://bank.example.net/', subject: 'Invoice \u001b[2J\u0007overdue \u202efdp.exe' });
    const many = Array.from({ length: 5000 }, (_, i) => `ref${i}@thread.example`);
    hook(db, { kind: 'ticket-created', ticket: t, message: clientMessage(t, { references: many }) });
    const [ack, notice] = rows(db);
    expect(ack!.text).toMatch(/^Hello,$/m);
    expect(ack!.subject).toBe(`[${t.key}] Invoice [2J overdue fdp.exe`);
    expect(ack!.refs).toHaveLength(20);
    expect(ack!.refs[0]).toBe('ref0@thread.example');
    expect(ack!.refs.at(-1)).toBe(t.threadMessageId);
    for (const mail of [ack!, notice!])
      for (const part of [mail.subject, mail.text, mail.html ?? '']) {
        expect(part).not.toMatch(/locked|bank\.example/);
        expect(part).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      }
  });

  it('holds automatic replies over the per-recipient limit, with an event on the ticket', () => {
    const { db, hook } = setup();
    const tickets = Array.from({ length: 7 }, () => makeTicket(db));
    for (const t of tickets) hook(db, { kind: 'ticket-created', ticket: t, message: clientMessage(t) });
    const acks = rows(db).filter((r) => r.kind === 'ack');
    expect(acks.map((r) => r.status)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending', 'held', 'held']);
    expect(acks[5]!.lastError).toMatch(/held back by rate limit: 5 automatic replies to dana@bakery\.example in 60 minutes/);
    // Notices to staff are not replies to the client: not limited per recipient.
    expect(rows(db).filter((r) => r.kind === 'assigned' && r.status === 'pending')).toHaveLength(7);
    const held = events(db);
    expect(held.map((e) => [e.ticketId, e.kind])).toEqual([
      [tickets[5]!.id, 'mail_held'],
      [tickets[6]!.id, 'mail_held'],
    ]);
    expect(JSON.parse(held[0]!.data)).toMatchObject({ outbox_id: acks[5]!.id, mail: 'ack', to: 'dana@bakery.example' });
  });

  it('holds automatic replies over the global limit, with an event; staff notices are neither counted nor held', () => {
    const start = Date.parse('2026-11-23T10:00:00.000Z');
    let clock = start;
    const { db, hook } = setup({ rate_limits: { global: { count: 3, minutes: 10 } } }, () => new Date(clock));
    const newTicket = (email: string) => {
      const t = makeTicket(db, { clientEmail: email });
      hook(db, { kind: 'ticket-created', ticket: t, message: clientMessage(t) });
      return t;
    };
    const tickets = ['a@x.example', 'b@x.example', 'c@x.example', 'd@x.example', 'e@x.example'].map(newTicket);
    const at = new Date(start).toISOString();
    expect(rows(db).map((r) => `${r.kind}:${r.audience}:${r.status}:${r.nextAttemptAt}`)).toEqual([
      `ack:outside:pending:${at}`, `assigned:staff:pending:${at}`,
      `ack:outside:pending:${at}`, `assigned:staff:pending:${at}`,
      `ack:outside:pending:${at}`, `assigned:staff:pending:${at}`,
      // Three acknowledgements fill the window; the notices beside them still go at once.
      `ack:outside:held:${at}`, `assigned:staff:pending:${at}`,
      `ack:outside:held:${at}`, `assigned:staff:pending:${at}`,
    ]);
    expect(rows(db)[6]!.lastError).toBe('held back by the global limit: 3 automatic replies in 10 minutes');
    expect(events(db).map((e) => [e.ticketId, e.kind])).toEqual([
      [tickets[3]!.id, 'mail_held'],
      [tickets[4]!.id, 'mail_held'],
    ]);
    // Held mail does not count: once the window has passed, acknowledgements go again.
    clock = start + 11 * 60_000;
    newTicket('f@x.example');
    expect(rows(db).slice(10).map((r) => [r.kind, r.status])).toEqual([
      ['ack', 'pending'],
      ['assigned', 'pending'],
    ]);
  });

  it('counts a recipient with any +tag and in any case as one: victim+1..8 get 5 automatic replies', () => {
    const { db, hook } = setup();
    for (let i = 1; i <= 8; i++) {
      const t = makeTicket(db, { clientEmail: i === 2 ? 'Victim+2@Else.Example' : `victim+${i}@else.example`, assignee: null, typeId: 'triage' });
      hook(db, { kind: 'ticket-created', ticket: t, message: clientMessage(t) });
    }
    const acks = rows(db);
    expect(acks.map((r) => r.status)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending', 'held', 'held', 'held']);
    // Written as addressed; counted by the normalised address.
    expect(acks[1]).toMatchObject({ toAddr: 'Victim+2@Else.Example', recipientKey: 'victim@else.example' });
    expect(acks[5]!.lastError).toBe('held back by rate limit: 5 automatic replies to victim@else.example in 60 minutes');
  });

  const refused: [string, string][] = [
    ['several addresses', 'dana@bakery.example, eve@victim.example, fay@victim.example'],
    ['a group', 'friends: dana@bakery.example, eve@victim.example;'],
    ['an empty group', 'undisclosed-recipients:;'],
    ['a display name', '"Bob, your account is locked" <bob@victim.example>'],
    ['a line break', 'dana@bakery.example\r\nBcc: eve@victim.example'],
    ['a space', 'dana @bakery.example'],
    ['no domain', 'dana@'],
  ];
  it.each(refused)('a recipient with %s gets no row, an event says why, and the rest of the change is written', (_, to) => {
    const { db, hook } = setup();
    const t = makeTicket(db, { clientEmail: to });
    db.transaction(() => hook(db, { kind: 'ticket-created', ticket: t, message: clientMessage(t) }))();
    expect(rows(db).map((r) => [r.kind, r.toAddr])).toEqual([['assigned', 'seth@agency.example']]);
    const [ev, ...more] = events(db);
    expect(more).toEqual([]);
    expect(ev).toMatchObject({ ticketId: t.id, kind: 'mail_refused' });
    expect(JSON.parse(ev!.data)).toMatchObject({ mail: 'ack', to, reason: expect.stringMatching(/^not written: the recipient /) });
  });

  it('the refusal event names a list of 2,000 addresses without storing all of it', () => {
    const { db, hook } = setup();
    const to = Array.from({ length: 2000 }, (_, i) => `v${i}@victim.example`).join(', ');
    const sender = { kind: 'unknown' as const, email: to, name: '' };
    const m = { id: 0, journalId: null, messageId: 'q@victim.example', references: [], subject: 'Hi', authorKind: 'client' as const, authorEmail: to, authorName: null, visibleText: 'hi' };
    hook(db, { kind: 'sender-refused', sender, message: m, reason: 'unknown sender' });
    expect(rows(db)).toEqual([]);
    const data = JSON.parse(events(db)[0]!.data) as { to: string; reason: string };
    expect(data.reason).toBe('not written: the recipient lists 2000 addresses');
    expect(data.to.length).toBeLessThanOrEqual(201);
  });

  it('never sends to our own support address: such a mail is held with an event', () => {
    const { db, hook } = setup();
    const t = makeTicket(db, { clientEmail: 'Support+SEO@agency.example', assignee: null, typeId: 'triage' });
    hook(db, { kind: 'ticket-created', ticket: t, message: clientMessage(t) });
    expect(rows(db).map((r) => [r.kind, r.status, r.lastError])).toEqual([
      ['ack', 'held', 'held back: Support+SEO@agency.example is our own support address (a loop in the making)'],
    ]);
    expect(events(db).map((e) => e.kind)).toEqual(['mail_held']);
  });

  it('writes inside the caller transaction: a rollback leaves no mail behind', () => {
    const { db, hook } = setup();
    const t = makeTicket(db);
    expect(() =>
      db.transaction(() => {
        hook(db, { kind: 'ticket-created', ticket: t, message: clientMessage(t) });
        throw new Error('change failed after the hook');
      })(),
    ).toThrow('change failed');
    expect(rows(db)).toEqual([]);
  });
});
