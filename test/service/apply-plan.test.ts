import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { applyOutcome, applyPlan, type ApplyContext } from '../../src/service/apply-plan.js';
import type { TicketChange } from '../../src/tickets/changes.js';
import { checkpointStore } from '../../src/store/checkpoints.js';
import { openDb, type Db } from '../../src/store/db.js';
import { journalStore } from '../../src/store/journal.js';
import { testConfig } from '../support/config.js';
import { client, fakeMail, result, staff } from '../support/mail.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tkd-apply-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = testConfig(dir);

let db: Db;
let changes: TicketChange[];
let ctx: ApplyContext;
let uid = 0;
const MB = 'support@127.0.0.1/INBOX';

beforeEach(() => {
  db = openDb(':memory:');
  changes = [];
  ctx = { db, config, hooks: [(_db, c) => void changes.push(c)] };
});

function journal(sha = `${++uid}`.padStart(64, '0'), messageId: string | null = `m${uid}@x`) {
  const row = journalStore(db).record({ mailbox: MB, uidvalidity: 7, uid: ++uid, messageId, sha256: sha, rawPath: 'raw/x', size: 10 });
  return { id: row.id, position: { mailbox: MB, uidvalidity: 7, uid: row.uid } };
}

const ticket = (id: number) =>
  db.prepare('SELECT key, status, assignee, checker, opener_kind, client_email, client_wrote FROM tickets WHERE id = ?').get(id) as Record<string, unknown>;
const events = (id: number) => (db.prepare('SELECT kind FROM events WHERE ticket_id = ? ORDER BY id').all(id) as { kind: string }[]).map((e) => e.kind);

describe('applyPlan', () => {
  it('creates a client ticket with key, assignee, management as checker, message, attachments, event, checkpoint and hook', () => {
    const j = journal();
    const mail = fakeMail({
      attachments: [{ filename: 'invoice.pdf', contentType: 'application/pdf', size: 3, sha256: 'a'.repeat(64), storedPath: 'attachments/aa/x' }],
    });
    const applied = applyPlan(ctx, { journalId: j.id, mail, result: result({ action: 'create', typeId: 'refund', assignee: 'olivia', priority: 'normal', sender: client() }), position: j.position });
    expect(applied).toMatchObject({ outcome: 'created', ticketKey: 'REF-1000' });
    expect(ticket(applied.ticketId!)).toEqual({ key: 'REF-1000', status: 'new', assignee: 'olivia', checker: 'management', opener_kind: 'client', client_email: 'ann@client.example', client_wrote: 0 });
    const msg = db.prepare('SELECT body_text, visible_text, journal_id FROM messages').get() as Record<string, unknown>;
    expect(msg).toEqual({ body_text: mail.text, visible_text: 'Please refund my order.', journal_id: j.id });
    expect(db.prepare('SELECT filename, path FROM attachments').all()).toEqual([{ filename: 'invoice.pdf', path: 'attachments/aa/x' }]);
    expect(events(applied.ticketId!)).toEqual(['created']);
    expect(journalStore(db).get(j.id)).toMatchObject({ outcome: 'created', ticketId: applied.ticketId, subject: mail.subject, fromAddr: 'ann@client.example' });
    expect(checkpointStore(db).get(MB)).toEqual({ uidvalidity: 7, lastUid: j.position.uid });
    expect(changes.map((c) => c.kind)).toEqual(['ticket-created']);
    expect(db.prepare('SELECT email FROM clients').all()).toEqual([{ email: 'ann@client.example' }]);
  });

  it('numbers tickets from one counter across prefixes; staff-opened tickets are checked by the opener', () => {
    const a = applyPlan(ctx, { journalId: journal().id, mail: fakeMail(), result: result({ action: 'create', typeId: 'refund', assignee: 'olivia', priority: 'normal', sender: client() }) });
    const b = applyPlan(ctx, { journalId: journal().id, mail: fakeMail({ from: { address: 'seth@agency.example', name: 'Seth' } }), result: result({ action: 'create', typeId: 'seo', assignee: 'seth', priority: 'normal', sender: staff('seth') }) });
    expect([a.ticketKey, b.ticketKey]).toEqual(['REF-1000', 'SEO-1001']);
    expect(ticket(b.ticketId!)).toMatchObject({ checker: 'seth', opener_kind: 'staff', client_email: null });
  });

  it('a client reply appends, sets the client-wrote flag and reopens a closed ticket', () => {
    const a = applyPlan(ctx, { journalId: journal().id, mail: fakeMail(), result: result({ action: 'create', typeId: 'refund', assignee: 'olivia', priority: 'normal', sender: client() }) });
    db.prepare(`UPDATE tickets SET status = 'closed' WHERE id = ?`).run(a.ticketId);
    const ref = { id: a.ticketId!, key: a.ticketKey!, status: 'closed' as const, subject: 's', clientEmail: 'ann@client.example' };
    const r = applyPlan(ctx, { journalId: journal().id, mail: fakeMail({ messageId: 'reply@x' }), result: result({ action: 'append', ticket: ref, sender: client() }) });
    expect(r.outcome).toBe('appended');
    expect(ticket(a.ticketId!)).toMatchObject({ status: 'open', client_wrote: 1 });
    expect(events(a.ticketId!)).toEqual(['created', 'client_replied', 'status_changed']);
    const last = changes.at(-1)!;
    expect(last.kind === 'message-appended' && last.reopened).toBe(true);
  });

  it("a third party's mail is kept on the ticket with its event, but reopens, flags and makes known nothing", () => {
    const a = applyPlan(ctx, { journalId: journal().id, mail: fakeMail(), result: result({ action: 'create', typeId: 'refund', assignee: 'olivia', priority: 'normal', sender: client() }) });
    db.prepare(`UPDATE tickets SET status = 'closed' WHERE id = ?`).run(a.ticketId);
    const before = ticket(a.ticketId!);
    const ref = { id: a.ticketId!, key: a.ticketKey!, status: 'closed' as const, subject: 's', clientEmail: 'ann@client.example' };
    const stranger = { kind: 'unknown' as const, email: 'eve@else.example', name: 'Eve' };
    const r = applyPlan(ctx, {
      journalId: journal().id,
      mail: fakeMail({ messageId: 'eve@x', from: { address: 'eve@else.example', name: 'Eve' } }),
      result: result({ action: 'append', ticket: ref, sender: stranger, thirdParty: 'not its client' }),
    });
    expect(r).toMatchObject({ outcome: 'appended', reason: 'third party: not its client', ticketId: a.ticketId });
    expect(ticket(a.ticketId!)).toEqual(before);
    expect(events(a.ticketId!)).toEqual(['created', 'third_party_wrote']);
    expect(db.prepare('SELECT email FROM clients').all()).toEqual([{ email: 'ann@client.example' }]);
    const last = changes.at(-1)!;
    expect(last).toMatchObject({ kind: 'message-appended', reopened: false, thirdParty: 'not its client' });
  });

  it('a withheld answer and an unverified staff address are events on the new ticket, in the journal reason and in the change', () => {
    const decided = result({ action: 'create', typeId: 'refund', assignee: 'olivia', priority: 'normal', sender: { kind: 'unknown', email: 'seth@agency.example', name: 'Seth' } });
    decided.decision = { noAutoAnswer: 'unverified staff address seth@agency.example', unverifiedStaff: { staffId: 'seth', reason: 'no proof' } };
    const a = applyPlan(ctx, { journalId: journal().id, mail: fakeMail({ from: { address: 'seth@agency.example', name: 'Seth' } }), result: decided });
    expect(a).toMatchObject({ outcome: 'created', reason: 'no automatic answer: unverified staff address seth@agency.example' });
    expect(ticket(a.ticketId!)).toMatchObject({ checker: 'management', opener_kind: 'client' });
    expect(events(a.ticketId!)).toEqual(['created', 'staff_unverified', 'auto_answer_withheld']);
    expect(changes).toMatchObject([{ kind: 'ticket-created', noAutoAnswer: 'unverified staff address seth@agency.example' }]);
  });

  it('a withheld status answer or refusal is a ticketless event and reaches the hooks marked', () => {
    const withheld = (plan: Parameters<typeof result>[0]) => ({ ...result(plan), decision: { noAutoAnswer: 'sender not authenticated' } });
    const s = applyPlan(ctx, { journalId: journal().id, mail: fakeMail(), result: withheld({ action: 'status-request', sender: client() }) });
    const f = applyPlan(ctx, { journalId: journal().id, mail: fakeMail({ messageId: 'o@x' }), result: withheld({ action: 'refuse', reason: 'unknown sender', sender: client('x@y.example') }) });
    expect([s.reason, f.reason]).toEqual(['status requested; no automatic answer: sender not authenticated', 'unknown sender; no automatic answer: sender not authenticated']);
    expect(db.prepare(`SELECT COUNT(*) AS n FROM events WHERE kind = 'auto_answer_withheld' AND ticket_id IS NULL`).get()).toEqual({ n: 2 });
    expect(changes.map((c) => ('noAutoAnswer' in c ? c.noAutoAnswer : null))).toEqual(['sender not authenticated', 'sender not authenticated']);
  });

  it('an auto-reply on a thread is an event on the ticket and changes nothing else', () => {
    const a = applyPlan(ctx, { journalId: journal().id, mail: fakeMail(), result: result({ action: 'create', typeId: 'refund', assignee: 'olivia', priority: 'normal', sender: client() }) });
    const before = ticket(a.ticketId!);
    const ref = { id: a.ticketId!, key: a.ticketKey!, status: 'new' as const, subject: 's', clientEmail: null };
    const r = applyPlan(ctx, { journalId: journal().id, mail: fakeMail({ messageId: 'ooo@x' }), result: result({ action: 'ignore', reason: 'auto-reply: Auto-Submitted: auto-replied', ticket: ref }) });
    expect(r).toMatchObject({ outcome: 'ignored', reason: 'auto-reply: Auto-Submitted: auto-replied', ticketId: a.ticketId });
    expect(ticket(a.ticketId!)).toEqual(before);
    expect(events(a.ticketId!)).toEqual(['created', 'mail_ignored']);
    expect(db.prepare('SELECT COUNT(*) AS n FROM messages').get()).toEqual({ n: 1 });
    expect(changes.map((c) => c.kind)).toEqual(['ticket-created']);
  });

  it('status requests and refused senders are journaled as command / ignored and reach the hooks', () => {
    const s = applyPlan(ctx, { journalId: journal().id, mail: fakeMail(), result: result({ action: 'status-request', sender: client() }) });
    const f = applyPlan(ctx, { journalId: journal().id, mail: fakeMail({ messageId: 'other@x' }), result: result({ action: 'refuse', reason: 'unknown sender', sender: client('x@y.example') }) });
    expect([s.outcome, f.outcome]).toEqual(['command', 'ignored']);
    expect(changes.map((c) => c.kind)).toEqual(['status-requested', 'sender-refused']);
    expect(db.prepare('SELECT COUNT(*) AS n FROM tickets').get()).toEqual({ n: 0 });
  });

  it('the same bytes seen again are journaled as a duplicate, never a second ticket', () => {
    const plan = result({ action: 'create', typeId: 'refund', assignee: 'olivia', priority: 'normal', sender: client() });
    const first = journal('f'.repeat(64), 'same@x');
    applyPlan(ctx, { journalId: first.id, mail: fakeMail({ messageId: 'same@x' }), result: plan });
    const again = journal('f'.repeat(64), 'same@x');
    const r = applyPlan(ctx, { journalId: again.id, mail: fakeMail({ messageId: 'same@x' }), result: plan, position: again.position });
    expect(r).toMatchObject({ outcome: 'ignored', reason: `duplicate of journal #${first.id}` });
    expect(db.prepare('SELECT COUNT(*) AS n FROM tickets').get()).toEqual({ n: 1 });
    expect(checkpointStore(db).get(MB)?.lastUid).toBe(again.position.uid);
  });

  it('a throwing hook rolls the whole message back: no ticket, no outcome, no checkpoint', () => {
    ctx = { ...ctx, hooks: [() => { throw new Error('outbox full'); }] };
    const j = journal();
    expect(() => applyPlan(ctx, { journalId: j.id, mail: fakeMail(), result: result({ action: 'create', typeId: 'refund', assignee: 'olivia', priority: 'normal', sender: client() }), position: j.position })).toThrow('outbox full');
    expect(db.prepare('SELECT COUNT(*) AS n FROM tickets').get()).toEqual({ n: 0 });
    expect(journalStore(db).get(j.id)?.outcome).toBeNull();
    expect(checkpointStore(db).get(MB)).toBeNull();
    applyOutcome(ctx, j.id, 'failed', 'outbox full', j.position);
    expect(journalStore(db).get(j.id)).toMatchObject({ outcome: 'failed', reason: 'outbox full' });
    expect(checkpointStore(db).get(MB)?.lastUid).toBe(j.position.uid);
  });

  it('a row is applied at most once: a second apply or failure of a decided row writes nothing', () => {
    const plan = result({ action: 'create', typeId: 'refund', assignee: 'olivia', priority: 'normal', sender: client() });
    const j = journal();
    const first = applyPlan(ctx, { journalId: j.id, mail: fakeMail(), result: plan, position: j.position });
    const again = applyPlan(ctx, { journalId: j.id, mail: fakeMail(), result: plan, position: j.position });
    expect(again).toMatchObject({ outcome: 'created', ticketKey: first.ticketKey, ticketId: first.ticketId });
    expect(again.skipped).toMatch(/is created now/);
    const failedLate = applyOutcome(ctx, j.id, 'failed', 'late', j.position);
    expect(failedLate).toMatchObject({ outcome: 'created', ticketKey: first.ticketKey });
    expect(db.prepare('SELECT COUNT(*) AS n FROM tickets').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 1 });
    expect(changes.map((c) => c.kind)).toEqual(['ticket-created']);
    expect(journalStore(db).get(j.id)).toMatchObject({ outcome: 'created', attempts: 1 });
  });

  it('a replay expecting failed applies a failed row once; a row that wrote rows is refused inside the transaction', () => {
    const plan = result({ action: 'create', typeId: 'refund', assignee: 'olivia', priority: 'normal', sender: client() });
    const j = journal();
    applyOutcome(ctx, j.id, 'failed', 'parse failed');
    const guard = { outcome: 'failed' as const, unwritten: true };
    const replayed = applyPlan(ctx, { journalId: j.id, mail: fakeMail(), result: plan, guard });
    expect([replayed.outcome, replayed.skipped]).toEqual(['created', undefined]);
    // A second replay that read the row while it was still failed:
    expect(applyPlan(ctx, { journalId: j.id, mail: fakeMail(), result: plan, guard }).skipped).toMatch(/is created now, not failed/);
    // A row whose outcome says failed but that wrote rows anyway is never replayed.
    db.prepare(`UPDATE journal SET outcome = 'failed' WHERE id = ?`).run(j.id);
    expect(applyPlan(ctx, { journalId: j.id, mail: fakeMail(), result: plan, guard }).skipped).toMatch(/already applied/);
    expect(db.prepare('SELECT COUNT(*) AS n FROM tickets').get()).toEqual({ n: 1 });
  });
});
