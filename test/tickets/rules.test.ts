import { describe, expect, it } from 'vitest';
import { checkerFor, decide, type Move, type RuleTicket } from '../../src/tickets/rules.js';
import { MANAGEMENT, STATUSES, type Actor, type Status } from '../../src/tickets/status.js';

// Every (status, move, actor) pair of the process document as a table. A cell is the status
// after the move, `!code` for a refusal, or `to*` for a manager's override.

const agentAssignee: Actor = { kind: 'staff', id: 'joe', role: 'agent' };
const agentOther: Actor = { kind: 'staff', id: 'seth', role: 'agent' };
const lead: Actor = { kind: 'staff', id: 'lena', role: 'lead' };
const manager: Actor = { kind: 'staff', id: 'max', role: 'manager' };
const client: Actor = { kind: 'client', email: 'c@client.example' };
const actors = { agentAssignee, agentOther, lead, manager, client };
type Who = keyof typeof actors;

const moves: Record<string, Move> = {
  assign: { kind: 'assign', to: 'seth', reason: 'workload' },
  done: { kind: 'done' },
  close: { kind: 'close' },
  send_back: { kind: 'send_back', reason: 'logo still wrong' },
  reopen: { kind: 'reopen' },
  start: { kind: 'start' },
  note: { kind: 'note' },
  reply: { kind: 'reply' },
  retype: { kind: 'retype' },
  priority: { kind: 'priority' },
};

// A client-opened ticket (checker: management) assigned to joe, of a type that needs a check.
// Columns: agentAssignee, agentOther, lead, manager, client.
const table: Record<Status, Record<string, [string, string, string, string, string]>> = {
  new: {
    assign: ['!role', '!role', 'open', 'open', '!not_staff'],
    done: ['tbc', '!not_assignee', 'tbc', 'tbc', '!not_staff'],
    close: ['!wrong_status', '!wrong_status', '!wrong_status', '!wrong_status', '!not_staff'],
    send_back: ['!wrong_status', '!wrong_status', '!wrong_status', '!wrong_status', '!not_staff'],
    reopen: ['!no_change', '!no_change', '!no_change', '!no_change', '!not_staff'],
    start: ['open', 'open', 'open', 'open', '!not_staff'],
    note: ['new', 'new', 'new', 'new', '!not_staff'],
    reply: ['open', 'open', 'open', 'open', 'new'],
    retype: ['new', '!role', 'new', 'new', '!not_staff'],
    priority: ['new', 'new', 'new', 'new', '!not_staff'],
  },
  open: {
    assign: ['!role', '!role', 'open', 'open', '!not_staff'],
    done: ['tbc', '!not_assignee', 'tbc', 'tbc', '!not_staff'],
    close: ['!wrong_status', '!wrong_status', '!wrong_status', '!wrong_status', '!not_staff'],
    send_back: ['!wrong_status', '!wrong_status', '!wrong_status', '!wrong_status', '!not_staff'],
    reopen: ['!no_change', '!no_change', '!no_change', '!no_change', '!not_staff'],
    start: ['!no_change', '!no_change', '!no_change', '!no_change', '!not_staff'],
    note: ['open', 'open', 'open', 'open', '!not_staff'],
    reply: ['open', 'open', 'open', 'open', 'open'],
    retype: ['open', '!role', 'open', 'open', '!not_staff'],
    priority: ['open', 'open', 'open', 'open', '!not_staff'],
  },
  tbc: {
    assign: ['!role', '!role', 'tbc', 'tbc', '!not_staff'],
    done: ['!no_change', '!no_change', '!no_change', '!no_change', '!not_staff'],
    close: ['!not_checker', '!not_checker', 'closed', 'closed', '!not_staff'],
    send_back: ['!not_checker', '!not_checker', 'open', 'open', '!not_staff'],
    reopen: ['!no_change', '!no_change', '!no_change', '!no_change', '!not_staff'],
    start: ['!wrong_status', '!wrong_status', '!wrong_status', '!wrong_status', '!not_staff'],
    note: ['tbc', 'tbc', 'tbc', 'tbc', '!not_staff'],
    reply: ['tbc', 'tbc', 'tbc', 'tbc', 'tbc'],
    retype: ['tbc', '!role', 'tbc', 'tbc', '!not_staff'],
    priority: ['tbc', 'tbc', 'tbc', 'tbc', '!not_staff'],
  },
  closed: {
    assign: ['!role', '!role', '!wrong_status', '!wrong_status', '!not_staff'],
    done: ['!wrong_status', '!wrong_status', '!wrong_status', '!wrong_status', '!not_staff'],
    close: ['!no_change', '!no_change', '!no_change', '!no_change', '!not_staff'],
    send_back: ['!wrong_status', '!wrong_status', '!wrong_status', '!wrong_status', '!not_staff'],
    reopen: ['open', 'open', 'open', 'open', '!not_staff'],
    start: ['open', 'open', 'open', 'open', '!not_staff'],
    note: ['closed', 'closed', 'closed', 'closed', '!not_staff'],
    reply: ['open', 'open', 'open', 'open', 'open'],
    retype: ['closed', '!role', 'closed', 'closed', '!not_staff'],
    priority: ['closed', 'closed', 'closed', 'closed', '!not_staff'],
  },
};

const ticket = (status: Status, over: Partial<RuleTicket> = {}): RuleTicket => ({
  key: 'TECH-1000',
  status,
  assignee: 'joe',
  checker: MANAGEMENT,
  worker: status === 'tbc' ? 'joe' : null,
  requiresCheck: true,
  ...over,
});

const cell = (t: RuleTicket, who: Actor, move: Move): string => {
  const v = decide(t, who, move);
  return v.ok ? `${v.to}${v.override ? '*' : ''}` : `!${v.code}`;
};

describe('transition table (client-opened ticket, checked by management)', () => {
  for (const status of STATUSES)
    for (const [name, move] of Object.entries(moves))
      it(`${status} × ${name}`, () => {
        const got = (Object.keys(actors) as Who[]).map((w) => cell(ticket(status), actors[w], move));
        expect(got).toEqual(table[status][name]);
      });
});

describe('the checker rule', () => {
  it('a staff-opened ticket is checked by its opener; management checks what clients open', () => {
    expect(checkerFor({ kind: 'staff', id: 'seth', role: 'agent' })).toBe('seth');
    expect(checkerFor(client)).toBe(MANAGEMENT);
  });

  it('the opener closes their tbc ticket; another agent and a lead may not; a manager overrides', () => {
    const t = ticket('tbc', { checker: 'seth' });
    expect(cell(t, agentOther, moves.close!)).toBe('closed');
    expect(cell(t, agentAssignee, moves.close!)).toBe('!not_checker');
    expect(cell(t, lead, moves.close!)).toBe('!not_checker');
    expect(cell(t, manager, moves.close!)).toBe('closed*');
    expect(cell(t, manager, moves.send_back!)).toBe('open*');
  });

  it('the refusal sentence names who checks the ticket', () => {
    const v = decide(ticket('tbc', { checker: 'seth' }), agentAssignee, { kind: 'close' });
    expect(v).toMatchObject({ ok: false, sentence: expect.stringContaining('its checker, seth') });
  });
});

describe('other rules', () => {
  it('agents are told to ask a lead', () => {
    expect(decide(ticket('open'), agentAssignee, moves.assign!)).toEqual({ ok: false, code: 'role', sentence: 'only leads assign tickets; ask a lead' });
  });

  it('reassigning needs a reason; assigning from the triage queue does not', () => {
    expect(cell(ticket('open'), lead, { kind: 'assign', to: 'seth' })).toBe('!reason_required');
    expect(cell(ticket('open'), lead, { kind: 'assign', to: 'seth', reason: '  ' })).toBe('!reason_required');
    expect(cell(ticket('new', { assignee: null }), lead, { kind: 'assign', to: 'seth' })).toBe('open');
    expect(cell(ticket('open'), lead, { kind: 'assign', to: 'joe', reason: 'x' })).toBe('!no_change');
  });

  it('a send-back needs a reason', () => {
    expect(cell(ticket('tbc'), lead, { kind: 'send_back' })).toBe('!reason_required');
  });

  it('requires_check false lets the assignee close from open, not another agent', () => {
    const t = ticket('open', { requiresCheck: false });
    expect(cell(t, agentAssignee, moves.close!)).toBe('closed');
    expect(cell(t, agentOther, moves.close!)).toBe('!not_checker');
    expect(cell(t, lead, moves.close!)).toBe('closed');
  });

  it('only the assignee (or a lead/manager) marks a triage ticket done', () => {
    expect(cell(ticket('open', { assignee: null }), agentAssignee, moves.done!)).toBe('!not_assignee');
  });
});
