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
    expect(ack!.text).toMatch(/^Hi,$/m);
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

  it('defers mail over the global limit to when its window frees, with an event; holds nothing', () => {
    const start = Date.parse('2026-11-23T10:00:00.000Z');
    let clock = start;
    const { db, hook } = setup({ rate_limits: { global: { count: 3, minutes: 10 } } }, () => new Date(clock));
    const newTicket = (email: string) => {
      const t = makeTicket(db, { clientEmail: email });
      hook(db, { kind: 'ticket-created', ticket: t, message: clientMessage(t) });
    };
    for (const email of ['a@x.example', 'b@x.example', 'c@x.example']) newTicket(email);
    const at = (minutes: number) => new Date(start + minutes * 60_000).toISOString();
    expect(rows(db).map((r) => `${r.kind}:${r.status}:${r.nextAttemptAt}`)).toEqual([
      `ack:pending:${at(0)}`, `assigned:pending:${at(0)}`, `ack:pending:${at(0)}`,
      // The assignment notice waits too, but only until the window frees: no one must release it.
      `assigned:pending:${at(10)}`, `ack:pending:${at(10)}`, `assigned:pending:${at(10)}`,
    ]);
    expect(rows(db)[3]!.lastError).toBe(`deferred by the global rate limit (3 mails in 10 minutes) until ${at(10)}`);
    const deferred = events(db);
    expect(deferred.map((e) => e.kind)).toEqual(['mail_deferred', 'mail_deferred', 'mail_deferred']);
    expect(JSON.parse(deferred[0]!.data)).toMatchObject({ outbox_id: rows(db)[3]!.id, mail: 'assigned', until: at(10) });
    // The next window is full as well (three due at 10 minutes): the next mail goes at 20.
    clock = start + 5 * 60_000;
    newTicket('d@x.example');
    expect(rows(db).slice(6).map((r) => r.nextAttemptAt)).toEqual([at(20), at(20)]);
    // Once every window is past, mail goes at once again.
    clock = start + 31 * 60_000;
    newTicket('e@x.example');
    expect(rows(db).slice(8).map((r) => [r.status, r.nextAttemptAt, r.lastError])).toEqual([
      ['pending', at(31), null],
      ['pending', at(31), null],
    ]);
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
