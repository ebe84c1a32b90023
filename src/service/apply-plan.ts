import type { Config } from '../config/schema.js';
import type { Mail, PipelineResult, Plan, Sender } from '../router/types.js';
import { checkpointStore } from '../store/checkpoints.js';
import { clientStore } from '../store/clients.js';
import { nowIso, type Db } from '../store/db.js';
import { eventStore } from '../store/events.js';
import { journalStore, type JournalRow, type Outcome } from '../store/journal.js';
import { ticketStore } from '../store/tickets.js';
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
  const { mail, journalId } = input;
  const plan: Plan = input.result.plan;
  const at = nowIso();
  const emit = (change: TicketChange) => {
    for (const hook of ctx.hooks) hook(ctx.db, change);
  };
  switch (plan.action) {
    case 'create': {
      const type = ctx.config.request_types.find((t) => t.id === plan.typeId);
      if (!type) throw new Error(`unknown request type "${plan.typeId}"`);
      const staff = plan.sender.kind === 'staff';
      const { id, key } = s.tickets.create({
        typeId: type.id,
        prefix: type.prefix,
        numberStart: ctx.config.ticket_number_start,
        subject: mail.subject.trim() || '(no subject)',
        priority: plan.priority,
        assignee: plan.assignee,
        openerKind: staff ? 'staff' : 'client',
        openerEmail: plan.sender.email,
        openerName: plan.sender.name || null,
        // Staff check what they open themselves; management checks what clients open.
        checker: staff ? (plan.sender.staffId ?? plan.sender.email) : 'management',
        clientEmail: staff ? null : plan.sender.email,
        organisation: plan.sender.organisation ?? null,
        threadMessageId: mail.messageId,
        at,
      });
      if (!staff) s.clients.seen(plan.sender.email, plan.sender.name, plan.sender.organisation ?? null, at);
      const message = addMessage(s, id, journalId, mail, plan.sender, at);
      s.events.add({
        ticketId: id,
        journalId,
        actor: actorOf(plan.sender),
        via: 'email',
        kind: 'created',
        at,
        data: {
          key,
          type: type.id,
          assignee: plan.assignee,
          priority: plan.priority,
          checker: staff ? (plan.sender.staffId ?? plan.sender.email) : 'management',
          rules: input.result.decision.matchedRules ?? [],
          messageId: message.id,
        },
      });
      const withheld = recordTrust(s, input, id, at);
      emit({ kind: 'ticket-created', ticket: s.tickets.snapshot(id), message, ...withheld });
      return { outcome: 'created', reason: withheldReason(withheld), ticketId: id, ticketKey: key };
    }
    case 'append': {
      const ticket = s.tickets.snapshot(plan.ticket.id);
      if (plan.thirdParty) return appendThirdParty(s, input, { ...plan, thirdParty: plan.thirdParty }, at, emit);
      const fromClient = plan.sender.kind !== 'staff';
      const message = addMessage(s, ticket.id, journalId, mail, plan.sender, at);
      // Blue flag: set by the client writing, cleared by staff answering by mail.
      s.tickets.setClientWrote(ticket.id, fromClient, at);
      const reopened = fromClient && ticket.status === 'closed';
      s.events.add({
        ticketId: ticket.id,
        journalId,
        actor: actorOf(plan.sender),
        via: 'email',
        kind: fromClient ? 'client_replied' : 'staff_replied',
        at,
        data: { messageId: message.id, threadedBy: input.result.decision.threadedBy ?? null },
      });
      if (reopened) {
        s.tickets.setStatus(ticket.id, 'open', at);
        s.events.add({
          ticketId: ticket.id,
          journalId,
          actor: actorOf(plan.sender),
          via: 'email',
          kind: 'status_changed',
          at,
          data: { from: 'closed', to: 'open', reason: 'client replied to a closed ticket' },
        });
      }
      if (fromClient) s.clients.seen(plan.sender.email, plan.sender.name, plan.sender.organisation ?? null, at);
      recordTrust(s, input, ticket.id, at, false);
      emit({ kind: 'message-appended', ticket: s.tickets.snapshot(ticket.id), message, reopened });
      return { outcome: 'appended', reason: null, ticketId: ticket.id, ticketKey: ticket.key };
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
      s.events.add({ ticketId: null, journalId, actor: actorOf(plan.sender), via: 'email', kind: 'status_requested', at });
      const withheld = recordTrust(s, input, null, at);
      emit({ kind: 'status-requested', sender: plan.sender, message: snapshotOf(0, journalId, mail, plan.sender), ...withheld });
      const why = withheldReason(withheld);
      return { outcome: 'command', reason: why ? `status requested; ${why}` : 'status requested', ticketId: null, ticketKey: null };
    }
    case 'refuse': {
      s.events.add({
        ticketId: null,
        journalId,
        actor: actorOf(plan.sender),
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

const actorOf = (sender: Sender): string => sender.staffId ?? sender.email;

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

/**
 * A third party's mail on a ticket: kept as a message, marked by its event, but it changes
 * nothing (no reopen, no blue flag either way) and makes nobody a known client.
 */
function appendThirdParty(
  s: Stores,
  input: PlannedMessage,
  plan: Extract<Plan, { action: 'append' }> & { thirdParty: string },
  at: string,
  emit: (c: TicketChange) => void,
): Applied {
  const { mail, journalId } = input;
  const { id: ticketId, key: ticketKey } = plan.ticket;
  const why = plan.thirdParty;
  const message = addMessage(s, ticketId, journalId, mail, plan.sender, at);
  s.events.add({
    ticketId,
    journalId,
    actor: actorOf(plan.sender),
    via: 'email',
    kind: 'third_party_wrote',
    at,
    data: { messageId: message.id, threadedBy: input.result.decision.threadedBy ?? null, reason: why },
  });
  recordTrust(s, input, ticketId, at, false);
  emit({ kind: 'message-appended', ticket: s.tickets.snapshot(ticketId), message, reopened: false, thirdParty: why });
  return { outcome: 'appended', reason: `third party: ${why}`, ticketId, ticketKey };
}

function addMessage(s: Stores, ticketId: number, journalId: number, mail: Mail, sender: Sender, at: string): MessageSnapshot {
  const id = s.tickets.addMessage({
    ticketId,
    journalId,
    direction: 'in',
    authorKind: sender.kind === 'staff' ? 'staff' : 'client',
    authorEmail: sender.email,
    messageId: mail.messageId,
    subject: mail.subject,
    bodyText: mail.text,
    visibleText: mail.visibleText,
    bodyHtml: mail.html,
    at,
  });
  for (const a of mail.attachments) {
    s.tickets.addAttachment({
      messageId: id,
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
      sha256: a.sha256,
      path: a.storedPath,
      note: a.note ?? null,
    });
  }
  return snapshotOf(id, journalId, mail, sender);
}

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
