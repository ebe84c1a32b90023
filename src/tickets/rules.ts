import { MANAGEMENT, type Actor, type Role, type Status } from './status.js';

// Who may move a ticket where: the process document (seeds/002) as one table and a few
// checks, with no database. Every front end (CLI, email commands, scheduler) asks here and
// prints the refusal sentence as is (STYLE.md 14); nothing else decides these rules.

/** What the service applies when a move is allowed. */
export interface Allowed {
  ok: true;
  /** The status after the move (unchanged for moves that do not change it). */
  to: Status;
  /** A manager acting where only the checker may: recorded on the event. */
  override?: true;
}

export type RefusalCode =
  | 'not_staff'
  | 'role'
  | 'not_checker'
  | 'not_assignee'
  | 'wrong_status'
  | 'reason_required'
  | 'no_change'
  // Found by the service, not the table: no such ticket, staff id or type; a bad value; no
  // client to answer; the ticket changed between reading and writing it.
  | 'unknown'
  | 'bad_input'
  | 'no_client'
  | 'changed';

export interface Refusal {
  ok: false;
  code: RefusalCode;
  /** One sentence for a person: the CLI and the confirmation mail print it as is. */
  sentence: string;
}

export type Verdict = Allowed | Refusal;

/** The fields of a ticket the rules read. */
export interface RuleTicket {
  key: string;
  status: Status;
  assignee: string | null;
  /** A staff id, or MANAGEMENT for a client-opened ticket. */
  checker: string;
  /** Who marked it done (tbc): a send-back gives it back to them. */
  worker: string | null;
  /** The request type's requires_check: false lets the assignee close from open. */
  requiresCheck: boolean;
}

export type Move =
  | { kind: 'assign'; to: string | null; reason?: string }
  | { kind: 'done' }
  | { kind: 'close' }
  | { kind: 'send_back'; reason?: string }
  | { kind: 'reopen' }
  /** `status KEY open` on a new ticket: take it on. */
  | { kind: 'start' }
  | { kind: 'note' }
  | { kind: 'reply' }
  | { kind: 'retype' }
  | { kind: 'priority' };

const refuse = (code: RefusalCode, sentence: string): Refusal => ({ ok: false, code, sentence });

/** Staff-opened: the opener checks it; client-opened: management (any lead or manager). */
export function checkerFor(opener: Actor): string {
  return opener.kind === 'staff' ? opener.id : MANAGEMENT;
}

const isLeadOrManager = (role: Role) => role === 'lead' || role === 'manager';

/** May this staff member check (close or send back) the ticket, and is it a manager's override? */
function checkVerdict(t: RuleTicket, actor: { id: string; role: Role }, to: Status): Verdict {
  const isChecker = t.checker === MANAGEMENT ? isLeadOrManager(actor.role) : t.checker === actor.id;
  if (isChecker) return { ok: true, to };
  if (actor.role === 'manager') return { ok: true, to, override: true };
  const who = t.checker === MANAGEMENT ? 'management (a lead or a manager)' : `its checker, ${t.checker}`;
  return refuse('not_checker', `${t.key} is checked by ${who}; only the checker or a manager may close it or send it back`);
}

/** A staff action on a `new` ticket moves it to `open` (the first action takes it on). */
const started = (s: Status): Status => (s === 'new' ? 'open' : s);

export function decide(t: RuleTicket, actor: Actor, move: Move): Verdict {
  if (actor.kind === 'client') {
    // Clients act only by writing: a reply reopens a closed ticket; nothing else is theirs.
    if (move.kind === 'reply') return { ok: true, to: t.status === 'closed' ? 'open' : t.status };
    return refuse('not_staff', 'only staff can change a ticket');
  }
  const { role } = actor;
  switch (move.kind) {
    case 'assign': {
      if (!isLeadOrManager(role)) return refuse('role', 'only leads assign tickets; ask a lead');
      if (t.status === 'closed') return refuse('wrong_status', `${t.key} is closed; reopen it before assigning it`);
      if (move.to === t.assignee) return refuse('no_change', `${t.key} is already ${move.to ? `assigned to ${move.to}` : 'in the triage queue'}`);
      if (t.assignee !== null && !move.reason?.trim()) return refuse('reason_required', `${t.key} is assigned to ${t.assignee}; reassigning it needs a reason`);
      return { ok: true, to: started(t.status) };
    }
    case 'done': {
      if (t.status === 'tbc') return refuse('no_change', `${t.key} is already to be checked`);
      if (t.status === 'closed') return refuse('wrong_status', `${t.key} is closed; reopen it first`);
      if (t.assignee !== actor.id && !isLeadOrManager(role))
        return refuse('not_assignee', `${t.key} is ${t.assignee ? `assigned to ${t.assignee}` : 'in the triage queue'}; only its assignee, a lead or a manager may mark it done`);
      return { ok: true, to: 'tbc' };
    }
    case 'close': {
      if (t.status === 'closed') return refuse('no_change', `${t.key} is already closed`);
      if (t.status === 'tbc') return checkVerdict(t, actor, 'closed');
      // new/open: only when the type needs no check, and then by its assignee (or checker/manager).
      if (t.requiresCheck) return refuse('wrong_status', `${t.key} must be checked first: mark it done (tbc), then its checker closes it`);
      if (t.assignee === actor.id) return { ok: true, to: 'closed' };
      return checkVerdict(t, actor, 'closed');
    }
    case 'send_back': {
      if (t.status !== 'tbc') return refuse('wrong_status', `${t.key} is ${t.status}, not to be checked; only tbc work can be sent back`);
      if (!move.reason?.trim()) return refuse('reason_required', 'a send-back needs a reason, so the worker knows what to redo');
      return checkVerdict(t, actor, 'open');
    }
    case 'start':
      if (t.status === 'tbc') return refuse('wrong_status', `${t.key} is to be checked; its checker closes it or sends it back with a reason`);
      if (t.status === 'closed') return { ok: true, to: 'open' };
      if (t.status === 'open') return refuse('no_change', `${t.key} is already open`);
      return { ok: true, to: 'open' };
    case 'reopen':
      if (t.status !== 'closed') return refuse('no_change', `${t.key} is not closed`);
      return { ok: true, to: 'open' };
    case 'note':
      // Anyone on staff notes any ticket (inbound calls); a note is not taking it on.
      return { ok: true, to: t.status };
    case 'reply':
      return { ok: true, to: t.status === 'closed' ? 'open' : started(t.status) };
    case 'retype':
      if (t.assignee !== actor.id && !isLeadOrManager(role)) return refuse('role', `only leads, managers or its assignee may change the type of ${t.key}`);
      return { ok: true, to: t.status };
    case 'priority':
      return { ok: true, to: t.status };
  }
}
