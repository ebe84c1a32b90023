import type { Config } from '../config/schema.js';
import { clientStore } from '../store/clients.js';
import { nowIso, type Db } from '../store/db.js';
import { eventStore } from '../store/events.js';
import { ticketStore, type TicketFields, type TicketState } from '../store/tickets.js';
import type { ChangeHook, StaffRef, TicketChange, TicketSnapshot } from '../tickets/changes.js';
import type { EventKind } from '../tickets/events.js';
import { decide, type Move, type Refusal, type RuleTicket } from '../tickets/rules.js';
import type { Actor, Channel } from '../tickets/status.js';

// The machinery every ticket service function shares: load, ask the rules, compare-and-set,
// write the events, tell the hooks. The functions in tickets.ts and ticket-mail.ts say only
// what their move changes.

export interface ServiceContext {
  db: Db;
  config: Readonly<Config>;
  /** Called inside the transaction with each change (the outbox writes its mail). */
  hooks: readonly ChangeHook[];
  now?: () => Date;
}

/** The move was made; `ticket` is the ticket after it. */
export interface Done {
  ok: true;
  ticket: TicketSnapshot;
  /** A manager acted where only the checker may (recorded on the event). */
  override?: true;
}

export type Result = Done | Refusal;

export type Target = { id: number } | { key: string };

export const refuse = (code: Refusal['code'], sentence: string): Refusal => ({ ok: false, code, sentence });

export const actorId = (a: Actor): string => (a.kind === 'staff' ? a.id : a.email);

type Stores = { tickets: ReturnType<typeof ticketStore>; events: ReturnType<typeof eventStore>; clients: ReturnType<typeof clientStore> };
// One set per connection: the stores prepare their statements when made, and preparing on
// every call was a third of ingest's CPU (bench).
const storesCache = new WeakMap<Db, Stores>();

export function storesOf(db: Db): Stores {
  let s = storesCache.get(db);
  if (!s) storesCache.set(db, (s = { tickets: ticketStore(db), events: eventStore(db), clients: clientStore(db) }));
  return s;
}

export const at = (ctx: ServiceContext): string => nowIso(ctx.now?.());

export function emit(ctx: ServiceContext, change: TicketChange): void {
  for (const hook of ctx.hooks) hook(ctx.db, change);
}

export function load(ctx: ServiceContext, target: Target): TicketState | Refusal {
  const s = storesOf(ctx.db);
  const id = 'id' in target ? target.id : s.tickets.idByKey(target.key);
  const t = id === null ? null : s.tickets.state(id);
  if (!t) return refuse('unknown', `no ticket ${'key' in target ? target.key : `#${target.id}`}`);
  return t;
}

export function ruleTicket(ctx: ServiceContext, t: TicketState): RuleTicket {
  const type = ctx.config.request_types.find((r) => r.id === t.typeId);
  return { key: t.key, status: t.status, assignee: t.assignee, checker: t.checker, worker: t.worker, requiresCheck: type?.requires_check ?? true };
}

export function staffRef(ctx: ServiceContext, actor: Actor): StaffRef {
  const id = actorId(actor);
  return { id, name: ctx.config.staff.find((s) => s.id === id)?.name ?? id };
}

export interface ActEvent {
  kind: EventKind;
  data: Record<string, unknown>;
}

/** What a move changes beyond the status the rules gave. */
export interface Effect {
  next?: Partial<TicketFields>;
  /** Events of the move itself, written after `write` and before the status_changed event. */
  events?: () => ActEvent[];
  /** Extra data on the status_changed event (e.g. the worker on done). */
  statusData?: Record<string, unknown>;
  /**
   * Runs once the compare-and-set succeeded (rework rows, messages): the effect itself is pure
   * until then, so a refusal never leaves half a move in the caller's transaction.
   */
  write?: (ticketId: number, when: string) => void;
  /** Runs after the events, before the changes go out (the caller's own events, in order). */
  afterEvents?: (ticketId: number) => void;
  /** The changes for the hooks, given the ticket after the move (after status-changed). */
  changes?: (after: TicketSnapshot) => TicketChange[];
}

export interface ActOptions {
  journalId?: number | null;
}

/**
 * One move on one ticket, inside the caller's transaction: ask the rules, compare-and-set the
 * row on the status read, write the events (actor, channel, override), tell the hooks.
 * `effect` sees the ticket and the verdict and may refuse (bad input found after the rules).
 */
export function act(
  ctx: ServiceContext,
  actor: Actor,
  channel: Channel,
  target: Target | TicketState,
  move: Move,
  effect: (t: TicketState) => Effect | Refusal,
  opts: ActOptions = {},
): Result {
  const t = 'status' in target ? target : load(ctx, target);
  if ('ok' in t) return t;
  const verdict = decide(ruleTicket(ctx, t), actor, move);
  if (!verdict.ok) return verdict;
  const e = effect(t);
  if ('ok' in e) return e;
  const s = storesOf(ctx.db);
  const when = at(ctx);
  const override = verdict.override ? { override: true } : {};
  const next: TicketFields = {
    status: verdict.to,
    assignee: t.assignee,
    worker: t.worker,
    typeId: t.typeId,
    priority: t.priority,
    // Blue: the client wrote since staff last acted. Any staff action clears it, a note too
    // (README "Working tickets"); a client's mail sets it.
    clientWrote: actor.kind === 'client',
    ...e.next,
  };
  if (!s.tickets.write(t.id, t.status, next, when))
    return refuse('changed', `${t.key} was changed by someone else meanwhile; look at it again (ticketd show ${t.key})`);
  e.write?.(t.id, when);
  const event = (kind: EventKind, data: Record<string, unknown>) =>
    s.events.add({ ticketId: t.id, journalId: opts.journalId ?? null, actor: actorId(actor), via: channel, kind, at: when, data });
  for (const ev of e.events?.() ?? []) event(ev.kind, { ...ev.data, ...override });
  const moved = next.status !== t.status;
  if (moved) event('status_changed', { from: t.status, to: next.status, ...e.statusData, ...override });
  e.afterEvents?.(t.id);
  const after = s.tickets.snapshot(t.id);
  if (moved) emit(ctx, { kind: 'status-changed', ticket: after, from: t.status, to: next.status, actor: actorId(actor) });
  for (const c of e.changes?.(after) ?? []) emit(ctx, c);
  return { ok: true, ticket: after, ...(verdict.override ? { override: true as const } : {}) };
}
