import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { act, type ServiceContext } from '../../src/service/ticket-core.js';
import { typedMessage } from '../../src/service/ticket-mail.js';
import * as svc from '../../src/service/tickets.js';
import { openDb, type Db } from '../../src/store/db.js';
import { ticketStore } from '../../src/store/tickets.js';
import type { TicketChange } from '../../src/tickets/changes.js';
import type { Actor } from '../../src/tickets/status.js';
import { testConfig } from '../support/config.js';

// The ticket service on an in-memory store: the process document's moves, what each writes
// (row, events, rework, changes for the outbox), and that a refusal writes nothing.

const dir = mkdtempSync(path.join(tmpdir(), 'tkd-svc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const base = testConfig(dir);
const config = parseConfig(
  { ...JSON.parse(JSON.stringify(base)), request_types: base.request_types.map((t) => (t.id === 'facebook' ? { ...t, requires_check: false } : t)) },
  dir,
  {},
);

const joe: Actor = { kind: 'staff', id: 'joe', role: 'agent' };
const seth: Actor = { kind: 'staff', id: 'seth', role: 'agent' };
const lee: Actor = { kind: 'staff', id: 'lee', role: 'lead' };
const mona: Actor = { kind: 'staff', id: 'mona', role: 'manager' };
const dana: Actor = { kind: 'client', email: 'dana@bakery.example' };

let db: Db;
let changes: TicketChange[];
let ctx: ServiceContext;
beforeEach(() => {
  db = openDb(':memory:');
  changes = [];
  ctx = { db, config, hooks: [(_db, c) => void changes.push(c)] };
});

const row = (key: string) =>
  db.prepare('SELECT status, assignee, worker, checker, client_wrote AS blue, type_id AS type, priority, closed_at FROM tickets WHERE key = ?').get(key) as Record<string, unknown>;
const events = (key: string) =>
  (db.prepare('SELECT e.kind, e.actor, e.via, e.data FROM events e JOIN tickets t ON t.id = e.ticket_id WHERE t.key = ? ORDER BY e.id').all(key) as { kind: string; actor: string; via: string; data: string }[]).map((e) => ({ ...e, data: JSON.parse(e.data) as Record<string, unknown> }));
const rework = () => db.prepare('SELECT ticket_id, type_id, worker, checker, reason, back_to_tbc_at IS NOT NULL AS back FROM rework ORDER BY id').all();

function clientTicket(typeId = 'tech'): string {
  const r = svc.open(ctx, dana, 'email', { typeId, subject: 'Site down', client: { email: 'dana@bakery.example', name: 'Dana' }, message: typedMessage('It is down.', 'Site down', { email: 'dana@bakery.example', name: 'Dana' }) });
  if (!r.ok) throw new Error(r.sentence);
  changes.length = 0;
  return r.ticket.key;
}
const target = (key: string) => ({ key });
const ok = (r: svc.Result) => {
  if (!r.ok) throw new Error(r.sentence);
  return r.ticket;
};

describe('the process through the ticket service', () => {
  it('assign → done → send back (rework) → done again (back to tbc) → close: rows, events and changes', () => {
    const key = clientTicket('triage');
    expect(row(key)).toMatchObject({ status: 'new', assignee: null, checker: 'management' });
    ok(svc.assign(ctx, lee, 'cli', { target: target(key), to: 'joe' }));
    expect(row(key)).toMatchObject({ status: 'open', assignee: 'joe' });
    expect(changes.map((c) => c.kind)).toEqual(['status-changed', 'assigned']);

    ok(svc.done(ctx, joe, 'cli', target(key)));
    expect(row(key)).toMatchObject({ status: 'tbc', worker: 'joe' });

    changes.length = 0;
    ok(svc.sendBack(ctx, lee, 'cli', { target: target(key), reason: 'the logo is\u001b[31m still wrong' }));
    expect(row(key)).toMatchObject({ status: 'open', assignee: 'joe' });
    expect(rework()).toEqual([{ ticket_id: 1, type_id: 'triage', worker: 'joe', checker: 'lee', reason: 'the logo is [31m still wrong', back: 0 }]);
    expect(changes.map((c) => c.kind)).toEqual(['status-changed', 'sent-back']);
    expect(changes[1]).toMatchObject({ worker: 'joe', by: { id: 'lee', name: 'Lee Chen' } });

    ok(svc.done(ctx, joe, 'cli', target(key)));
    expect(rework()).toMatchObject([{ back: 1 }]);

    changes.length = 0;
    ok(svc.close(ctx, mona, 'cli', target(key)));
    expect(row(key)).toMatchObject({ status: 'closed', closed_at: expect.any(String) });
    expect(changes).toMatchObject([{ kind: 'status-changed', from: 'tbc', to: 'closed', actor: 'mona' }]);
    expect(events(key).map((e) => [e.kind, e.actor, e.via])).toEqual([
      ['created', 'dana@bakery.example', 'email'],
      ['assigned', 'lee', 'cli'],
      ['status_changed', 'lee', 'cli'],
      ['status_changed', 'joe', 'cli'],
      ['sent_back', 'lee', 'cli'],
      ['status_changed', 'lee', 'cli'],
      ['status_changed', 'joe', 'cli'],
      ['status_changed', 'mona', 'cli'],
    ]);
  });

  it('an agent trying to assign or close is refused with the sentence, and nothing is written', () => {
    const key = clientTicket();
    ok(svc.done(ctx, joe, 'cli', target(key)));
    const before = [row(key), events(key).length, changes.length];
    expect(svc.assign(ctx, joe, 'cli', { target: target(key), to: 'seth', reason: 'busy' })).toEqual({ ok: false, code: 'role', sentence: 'only leads assign tickets; ask a lead' });
    expect(svc.close(ctx, joe, 'cli', target(key))).toMatchObject({ ok: false, code: 'not_checker' });
    expect([row(key), events(key).length, changes.length]).toEqual(before);
  });

  it("a staff-opened ticket is checked by its opener: they close it, another agent may not, a manager's close is an override", () => {
    const opened = svc.open(ctx, seth, 'cli', { typeId: 'tech', subject: 'Logo swap', client: { email: 'dana@bakery.example' }, message: typedMessage('Swap the logo', 'Logo swap', { email: 'seth@agency.example', name: 'Seth' }), quiet: true });
    if (!opened.ok) throw new Error(opened.sentence);
    const key = opened.ticket.key;
    expect(row(key)).toMatchObject({ checker: 'seth', assignee: 'joe' });
    expect(changes).toMatchObject([{ kind: 'ticket-created', quiet: true }]);
    ok(svc.done(ctx, joe, 'cli', target(key)));
    expect(svc.close(ctx, joe, 'cli', target(key))).toMatchObject({ ok: false, sentence: expect.stringContaining('its checker, seth') });
    expect(svc.close(ctx, lee, 'cli', target(key))).toMatchObject({ ok: false, code: 'not_checker' });
    ok(svc.close(ctx, seth, 'cli', target(key)));
    ok(svc.setStatus(ctx, seth, 'cli', { target: target(key), to: 'open' }));
    ok(svc.done(ctx, joe, 'cli', target(key)));
    const r = svc.close(ctx, mona, 'cli', target(key));
    expect(r).toMatchObject({ ok: true, override: true });
    expect(events(key).at(-1)).toMatchObject({ kind: 'status_changed', data: { from: 'tbc', to: 'closed', override: true } });
  });

  it('requires_check false: the assignee closes straight from open', () => {
    const key = clientTicket('facebook');
    ok(svc.close(ctx, { kind: 'staff', id: 'lindsey', role: 'agent' }, 'cli', target(key)));
    expect(row(key)).toMatchObject({ status: 'closed' });
  });

  it('blue: a client mail sets it, any staff action (a note too) clears it; a note never moves a new ticket', () => {
    const key = clientTicket();
    const id = ticketStore(db).idByKey(key)!;
    ok(svc.append(ctx, dana, 'email', { ticketId: id, message: typedMessage('any news?', 'Re: Site down', { email: 'dana@bakery.example', name: 'Dana' }), threadedBy: 'headers' }));
    expect(row(key)).toMatchObject({ blue: 1, status: 'new' });
    ok(svc.append(ctx, seth, 'email', { ticketId: id, message: typedMessage('looking', 'Re: Site down', { email: 'seth@agency.example', name: 'Seth' }), threadedBy: 'headers' }));
    expect(row(key)).toMatchObject({ blue: 0, status: 'new' }); // verified staff mail: like a note until issue 9 relays it
    ok(svc.append(ctx, dana, 'email', { ticketId: id, message: typedMessage('hello?', 'Re: Site down', { email: 'dana@bakery.example', name: 'Dana' }), threadedBy: 'headers' }));
    ok(svc.note(ctx, seth, 'cli', { target: target(key), text: 'called her back\u0007, fixing' }));
    expect(row(key)).toMatchObject({ blue: 0, status: 'new' });
    expect(events(key).at(-1)).toMatchObject({ kind: 'note', actor: 'seth', data: { text: 'called her back, fixing' } });
  });

  it('a client mail reopens a closed ticket; closing again emits a second closed change', () => {
    const key = clientTicket('facebook');
    const lindsey: Actor = { kind: 'staff', id: 'lindsey', role: 'agent' };
    ok(svc.close(ctx, lindsey, 'cli', target(key)));
    ok(svc.append(ctx, dana, 'email', { ticketId: ticketStore(db).idByKey(key)!, message: typedMessage('still broken', 'Re', { email: 'dana@bakery.example', name: 'Dana' }), threadedBy: 'headers' }));
    expect(row(key)).toMatchObject({ status: 'open', blue: 1, closed_at: null });
    ok(svc.close(ctx, lindsey, 'cli', target(key)));
    expect(changes.filter((c) => c.kind === 'status-changed' && c.to === 'closed')).toHaveLength(2);
  });

  it('reply: a message out, a replied change; --close checked first, so a refused close sends nothing', () => {
    const key = clientTicket();
    expect(svc.reply(ctx, joe, 'cli', { target: target(key), text: 'Fixed it.', then: 'closed' })).toMatchObject({ ok: false, code: 'wrong_status' });
    expect(changes).toEqual([]);
    expect(db.prepare(`SELECT COUNT(*) AS n FROM messages WHERE direction = 'out'`).get()).toEqual({ n: 0 });
    ok(svc.reply(ctx, joe, 'cli', { target: target(key), text: 'Fixed it.', then: 'tbc' }));
    expect(changes.map((c) => c.kind)).toEqual(['status-changed', 'replied', 'status-changed']);
    expect(row(key)).toMatchObject({ status: 'tbc', worker: 'joe' });
  });

  it('retype and priority keep the key and record both values; bad values are refused', () => {
    const key = clientTicket();
    ok(svc.retype(ctx, lee, 'cli', { target: target(key), typeId: 'seo' }));
    ok(svc.setPriority(ctx, joe, 'cli', { target: target(key), priority: 'urgent' }));
    expect(row(key)).toMatchObject({ type: 'seo', priority: 'urgent' });
    expect(svc.retype(ctx, lee, 'cli', { target: target(key), typeId: 'nope' })).toMatchObject({ ok: false, code: 'unknown' });
    expect(svc.setPriority(ctx, joe, 'cli', { target: target(key), priority: 'asap' })).toMatchObject({ ok: false, code: 'bad_input' });
    expect(events(key).slice(-2).map((e) => [e.kind, e.data])).toEqual([['retyped', { from: 'tech', to: 'seo' }], ['priority_changed', { from: 'normal', to: 'urgent' }]]);
  });

  it('open refuses a client field with several addresses, and a note of only control characters', () => {
    const r = svc.open(ctx, seth, 'cli', { typeId: 'tech', subject: 'x', client: { email: 'a@x.example, b@y.example' }, message: typedMessage('x', 'x', { email: 'seth@agency.example', name: 'Seth' }) });
    expect(r).toMatchObject({ ok: false, code: 'bad_input' });
    expect(db.prepare('SELECT COUNT(*) AS n FROM tickets').get()).toEqual({ n: 0 });
    const key = clientTicket();
    expect(svc.note(ctx, seth, 'cli', { target: target(key), text: '\u001b\u0007\r' })).toMatchObject({ ok: false, code: 'bad_input' });
  });

  it('compare-and-set: a move on a status read before someone else moved the ticket is refused, never a lost update', () => {
    const key = clientTicket();
    ok(svc.done(ctx, joe, 'cli', target(key)));
    const stale = ticketStore(db).state(ticketStore(db).idByKey(key)!)!;
    ok(svc.close(ctx, lee, 'cli', target(key)));
    const r = act(ctx, mona, 'cli', stale, { kind: 'send_back', reason: 'redo' }, () => ({ next: { assignee: 'joe' } }));
    expect(r).toMatchObject({ ok: false, code: 'changed', sentence: expect.stringContaining('changed by someone else meanwhile') });
    expect(row(key)).toMatchObject({ status: 'closed' });
  });
});
