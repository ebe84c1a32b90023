import type { Config } from '../config/schema.js';
import type { Mail, PipelineResult, Plan, Sender } from '../router/types.js';
import { checkpointStore } from '../store/checkpoints.js';
import { clientStore } from '../store/clients.js';
import { nowIso, type Db } from '../store/db.js';
import { eventStore } from '../store/events.js';
import { journalStore, type JournalRow, type Outcome } from '../store/journal.js';
import { ticketStore } from '../store/tickets.js';
import type { Actor } from '../tickets/status.js';
import { append, open, type MessageIn } from './ticket-mail.js';
import { applyStaffMail } from './staff-mail.js';
import { openForClient } from './staff-open.js';
import { inTransaction } from '../store/transaction.js';
import type { ChangeHook, MessageSnapshot, TicketChange } from '../tickets/changes.js';

// The one SQLite transaction per message: its journal outcome, the ticket, message,
// attachments and events it causes, the change hooks (outbox rows), and the checkpoint
// advance. Either all of it is committed or none, so a crash anywhere repeats the message
// whole or not at all. Inside a group commit (commit-group.ts) it runs in the group's
// transaction: all or nothing per group.

export interface ApplyContext {
  db: Db;
  config: Readonly<Config>;
  hooks: readonly ChangeHook[];
}

/** Where the message sits in the mailbox; absent when replaying from the journal. */
export interface MailboxPosition {
  mailbox: string;
  uidvalidity: number;
  uid: number;
}

export interface Applied {
  outcome: Outcome;
  reason: string | null;
  ticketId: number | null;
  ticketKey: string | null;
  /** Set when nothing was written: why (the row was decided meanwhile, or already wrote rows). */
  skipped?: string;
}

/**
 * Compare-and-set on the journal row, checked inside the transaction: the outcome the caller
 * saw (null for the mailbox pass, null or 'failed' for reprocess), and with `unwritten` that
 * the row wrote nothing yet. Otherwise nothing is written and the stored outcome returned.
 */
export interface ApplyGuard {
  outcome: Outcome | null;
  unwritten?: boolean;
}

const PENDING: ApplyGuard = { outcome: null };

export interface PlannedMessage {
  journalId: number;
  /** Attachments already written to the blob store (storedPath filled). */
  mail: Mail;
  result: PipelineResult;
  position?: MailboxPosition;
  /** Defaults to "still pending": a row is applied at most once. */
  guard?: ApplyGuard;
}

type Stores = ReturnType<typeof storesFor>;

const storesCache = new WeakMap<Db, Stores>();
function storesFor(db: Db) {
  return {
    journal: journalStore(db),
    tickets: ticketStore(db),
    events: eventStore(db),
    clients: clientStore(db),
    checkpoints: checkpointStore(db),
  };
}
function stores(db: Db): Stores {
  let s = storesCache.get(db);
  if (!s) storesCache.set(db, (s = storesFor(db)));
  return s;
}

/**
 * Apply a pipeline plan to the store in one transaction (or the caller's). Throws on error;
 * then nothing of it is written once the transaction it ran in is rolled back.
 */
export function applyPlan(ctx: ApplyContext, input: PlannedMessage): Applied {
  const s = stores(ctx.db);
  return inTransaction(ctx.db, (): Applied => {
    const row = s.journal.get(input.journalId);
    if (!row) throw new Error(`journal row ${input.journalId} not found`);
    const stale = staleFor(ctx.db, row, input.guard ?? PENDING);
    if (stale) return stale;
    const dup = s.journal.duplicateOf(row, input.mail.from?.address ?? null);
    const applied: Applied =
      dup !== null
        ? { outcome: 'ignored', reason: `duplicate of journal #${dup}`, ticketId: null, ticketKey: null }
        : applyToTickets(ctx, s, input);
    s.journal.setOutcome(input.journalId, {
      ...applied,
      trace: input.result.trace,
      subject: input.mail.subject,
      fromAddr: input.mail.from?.address ?? null,
      sentAt: input.mail.date,
    });
    if (input.position) advance(s, input.position);
    return applied;
  });
}

/** Record an outcome that touches no ticket (a parse failure), with the checkpoint advance. */
export function applyOutcome(
  ctx: Pick<ApplyContext, 'db'>,
  journalId: number,
  outcome: 'failed' | 'ignored',
  reason: string,
  position?: MailboxPosition,
  guard: ApplyGuard = PENDING,
): Applied {
  const s = stores(ctx.db);
  return inTransaction(ctx.db, (): Applied => {
    const row = s.journal.get(journalId);
    if (!row) throw new Error(`journal row ${journalId} not found`);
    const stale = staleFor(ctx.db, row, guard);
    if (stale) return stale;
    s.journal.setOutcome(journalId, { outcome, reason });
    if (position) advance(s, position);
    return { outcome, reason, ticketId: null, ticketKey: null };
  });
}

/** The stored outcome when the guard does not hold (someone else decided the row), else null. */
function staleFor(db: Db, row: JournalRow, guard: ApplyGuard): Applied | null {
  let why: string | null = null;
  if (row.outcome !== guard.outcome) why = `journal #${row.id} is ${row.outcome ?? 'pending'} now, not ${guard.outcome ?? 'pending'}`;
  else if (guard.unwritten) {
    const written = writtenBy(db, row.id);
    if (written) why = `journal #${row.id} was already applied (${row.outcome ?? 'pending'}; ${written}): replaying it would do that twice`;
  }
  if (!why) return null;
  const key = row.ticketId === null ? null : ((db.prepare('SELECT key FROM tickets WHERE id = ?').get(row.ticketId) as { key: string } | undefined)?.key ?? null);
  // A row can only be pending here when a guard expected 'failed'; report it as it stands.
  return { outcome: row.outcome ?? 'failed', reason: row.reason, ticketId: row.ticketId, ticketKey: key, skipped: why };
}

/** What this journal row already wrote, if anything. */
export function writtenBy(db: Db, journalId: number): string | null {
  const q = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE journal_id = ?`).get(journalId) as { n: number }).n;
  for (const table of ['messages', 'events', 'outbox']) if (q(table)) return `it has ${table} rows`;
  return null;
}

function advance(s: Stores, p: MailboxPosition): void {
  s.checkpoints.advance(p.mailbox, p.uidvalidity, p.uid);
}

function applyToTickets(ctx: ApplyContext, s: Stores, input: PlannedMessage): Applied {
  const applied = applyPlanned(ctx, s, input);
  const refused = input.result.decision.replyAddressRefused;
  if (refused?.explainTo) {
    s.events.add({
      ticketId: applied.ticketId,
      journalId: input.journalId,
      actor: input.mail.from?.address ?? 'unknown',
      via: 'email',
      kind: 'reply_address_refused',
      at: nowIso(),
      data: { reason: refused.reason, explainTo: refused.explainTo },
    });
    for (const hook of ctx.hooks) hook(ctx.db, { kind: 'reply-address-refused', staffId: refused.explainTo, reason: refused.reason, ticketId: applied.ticketId, journalId: input.journalId });
  }
  if (refused?.leaked && applied.ticketId !== null) {
    // The same event a copy to an outsider writes: check-reply-address then wants a DMARC pass.
    s.events.add({
      ticketId: applied.ticketId,
      journalId: input.journalId,
      actor: refused.leaked,
      via: 'email',
      kind: 'reply_address_exposed',
      at: nowIso(),
      data: { usedBy: input.mail.from?.address ?? 'unknown' },
    });
  }
  return applied;
}

function applyPlanned(ctx: ApplyContext, s: Stores, input: PlannedMessage): Applied {
  const { mail, journalId } = input;
  const plan: Plan = input.result.plan;
  const at = nowIso();
  const emit = (change: TicketChange) => {
    for (const hook of ctx.hooks) hook(ctx.db, change);
  };
  switch (plan.action) {
    case 'create': {
      const staff = plan.sender.kind === 'staff';
      const opened = open(ctx, actorOf(ctx, plan.sender), 'email', {
        typeId: plan.typeId,
        subject: mail.subject,
        client: staff ? null : { email: plan.sender.email, name: plan.sender.name, organisation: plan.sender.organisation ?? null },
        assignee: plan.assignee,
        priority: plan.priority,
        message: messageIn(journalId, mail, plan.sender),
        rules: input.result.decision.matchedRules ?? [],
        noAutoAnswer: input.result.decision.noAutoAnswer,
        record: (id) => recordTrust(s, input, id, at),
      });
      // The pipeline's plan names a configured type and staff: a refusal here is a bug.
      if (!opened.ok) throw new Error(`cannot open the ticket: ${opened.sentence}`);
      const { key, id } = opened.ticket;
      return { outcome: 'created', reason: withheldReason(recordedWithheld(input)), ticketId: id, ticketKey: key };
    }
    case 'append': {
      const appended = append(ctx, actorOf(ctx, plan.sender), 'email', {
        ticketId: plan.ticket.id,
        message: messageIn(journalId, mail, plan.sender),
        threadedBy: input.result.decision.threadedBy ?? null,
        thirdParty: plan.thirdParty,
        organisation: plan.sender.organisation ?? null,
        record: (id) => recordTrust(s, input, id, at, false),
      });
      if (!appended.ok) throw new Error(`cannot append to ${plan.ticket.key}: ${appended.sentence}`);
      return { outcome: 'appended', reason: plan.thirdParty ? `third party: ${plan.thirdParty}` : null, ticketId: plan.ticket.id, ticketKey: plan.ticket.key };
    }
    case 'staff-mail': {
      const handled = applyStaffMail(ctx, {
        ticketId: plan.ticket.id,
        staffId: plan.sender.staffId,
        journalId,
        visibleText: mail.visibleText,
        signature: mail.signature,
        attachments: mail.attachments,
        message: snapshotOf(0, journalId, mail, plan.sender),
        copied: [...mail.to, ...mail.cc].map((a) => a.address),
      });
      if ('ok' in handled) throw new Error(`cannot apply staff mail on ${plan.ticket.key}: ${handled.sentence}`);
      return { outcome: 'command', reason: handled.summary, ticketId: plan.ticket.id, ticketKey: handled.ticketKey };
    }
    case 'staff-open': {
      const handled = openForClient(ctx, {
        staffId: plan.sender.staffId,
        journalId,
        typeId: plan.typeId,
        assignee: plan.assignee,
        priority: plan.priority,
        message: messageIn(journalId, mail, plan.sender),
        snapshot: snapshotOf(0, journalId, mail, plan.sender),
      });
      if ('ok' in handled) throw new Error(`cannot apply staff mail: ${handled.sentence}`);
      return { outcome: handled.ticketId === null ? 'command' : 'created', reason: handled.summary, ticketId: handled.ticketId, ticketKey: handled.ticketKey };
    }
    case 'ignore': {
      if (plan.ticket) {
        // An auto-reply on a thread is worth seeing on the ticket, but it changes nothing.
        s.events.add({
          ticketId: plan.ticket.id,
          journalId,
          actor: mail.from?.address ?? 'unknown',
          via: 'email',
          kind: 'mail_ignored',
          at,
          data: { reason: plan.reason, subject: mail.subject },
        });
      }
      return { outcome: 'ignored', reason: plan.reason, ticketId: plan.ticket?.id ?? null, ticketKey: plan.ticket?.key ?? null };
    }
    case 'status-request': {
      s.events.add({ ticketId: null, journalId, actor: actorName(plan.sender), via: 'email', kind: 'status_requested', at });
      const withheld = recordTrust(s, input, null, at);
      emit({ kind: 'status-requested', sender: plan.sender, message: snapshotOf(0, journalId, mail, plan.sender), ...withheld });
      const why = withheldReason(withheld);
      return { outcome: 'command', reason: why ? `status requested; ${why}` : 'status requested', ticketId: null, ticketKey: null };
    }
    case 'refuse': {
      s.events.add({
        ticketId: null,
        journalId,
        actor: actorName(plan.sender),
        via: 'email',
        kind: 'sender_refused',
        at,
        data: { reason: plan.reason },
      });
      const withheld = recordTrust(s, input, null, at);
      emit({ kind: 'sender-refused', sender: plan.sender, message: snapshotOf(0, journalId, mail, plan.sender), reason: plan.reason, ...withheld });
      const why = withheldReason(withheld);
      return { outcome: 'ignored', reason: why ? `${plan.reason}; ${why}` : plan.reason, ticketId: null, ticketKey: null };
    }
  }
}

/** Who wrote, for the ticket service: verified staff by id and role, anyone else by address. */
function actorOf(ctx: ApplyContext, sender: Sender): Actor {
  const member = sender.kind === 'staff' && sender.staffId ? ctx.config.staff.find((m) => m.id === sender.staffId) : undefined;
  return member ? { kind: 'staff', id: member.id, role: member.role } : { kind: 'client', email: sender.email };
}

const actorName = (sender: Sender): string => sender.staffId ?? sender.email;

/** What the pipeline withheld; the same finding recordTrust writes as an event. */
const recordedWithheld = (input: PlannedMessage): { noAutoAnswer?: string } =>
  input.result.decision.noAutoAnswer ? { noAutoAnswer: input.result.decision.noAutoAnswer } : {};

function messageIn(journalId: number, mail: Mail, sender: Sender): MessageIn {
  return {
    journalId,
    messageId: mail.messageId,
    references: mail.references,
    subject: mail.subject,
    bodyText: mail.text,
    visibleText: mail.visibleText,
    bodyHtml: mail.html,
    attachments: mail.attachments,
    authorEmail: sender.email,
    authorName: sender.name || null,
  };
}

/**
 * The trust findings of the pipeline as events on the ticket (or ticketless): a staff address
 * without proof, and why no automatic answer goes out. Returns what the change hooks need.
 */
function recordTrust(s: Stores, input: PlannedMessage, ticketId: number | null, at: string, answers = true): { noAutoAnswer?: string } {
  const { decision } = input.result;
  const actor = input.mail.from?.address ?? 'unknown';
  if (decision.unverifiedStaff) {
    const { staffId, reason } = decision.unverifiedStaff;
    s.events.add({ ticketId, journalId: input.journalId, actor, via: 'email', kind: 'staff_unverified', at, data: { staff: staffId, reason: `unverified staff address: ${reason}` } });
  }
  // An appended mail is never answered automatically: nothing to withhold, nothing to record.
  if (!answers || !decision.noAutoAnswer) return {};
  s.events.add({ ticketId, journalId: input.journalId, actor, via: 'email', kind: 'auto_answer_withheld', at, data: { reason: decision.noAutoAnswer } });
  return { noAutoAnswer: decision.noAutoAnswer };
}

const withheldReason = (w: { noAutoAnswer?: string }): string | null => (w.noAutoAnswer ? `no automatic answer: ${w.noAutoAnswer}` : null);

/** id 0: the mail was not stored as a ticket message (a status request, a refused sender). */
function snapshotOf(id: number, journalId: number, mail: Mail, sender: Sender): MessageSnapshot {
  return {
    id,
    journalId,
    messageId: mail.messageId,
    references: mail.references,
    subject: mail.subject,
    authorKind: sender.kind === 'staff' ? 'staff' : 'client',
    authorEmail: sender.email,
    authorName: sender.name || null,
    visibleText: mail.visibleText,
  };
}
