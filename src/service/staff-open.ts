import { cleanName } from '../mail/clean-text.js';
import { tokenOf } from '../mail/reply-address.js';
import { isOwnAddress, mailboxProblem, recipientKey } from '../outbox/recipient.js';
import type { Command } from '../router/commands/parse.js';
import { parseCommands } from '../router/commands/parse.js';
import { domainOf, inDomain } from '../router/mail-fields.js';
import type { CommandLineResult, MessageSnapshot } from '../tickets/changes.js';
import { isPriority, type Actor, type Priority } from '../tickets/status.js';
import { at, emit, refuse, storesOf, type ServiceContext } from './ticket-core.js';
import { open, type MessageIn } from './ticket-mail.js';

// Verified staff open a ticket for a client by mail (README "Email commands"): `#client ADDR`
// with `#type T` / `#priority P` at the top of a mail to the support address. Parse, check
// every line, then open through the ticket service (the client gets the usual acknowledgement,
// under the usual rate limits) or open nothing. Either way the writer gets one confirmation.
// A line we cannot honour opens nothing: a ticket of the wrong type, or an acknowledgement to
// a mistyped address, cannot be taken back.

export interface StaffOpenIn {
  staffId: string;
  journalId: number;
  /** As routed (rules, else triage); `#type` overrides. */
  typeId: string;
  assignee: string | null;
  priority: Priority;
  /** The staff mail; its visible text still holds the command lines. */
  message: MessageIn;
  snapshot: MessageSnapshot;
}

export interface StaffOpenDone {
  ticketId: number | null;
  ticketKey: string | null;
  summary: string;
}

const done = (line: string, sentence: string): CommandLineResult => ({ line, applied: true, sentence });
const refused = (line: string, sentence: string): CommandLineResult => ({ line, applied: false, sentence });

/** Why this address cannot be a client's, or null. */
function clientProblem(ctx: ServiceContext, address: string): string | null {
  const problem = mailboxProblem(address);
  if (problem) return `the address ${problem}`;
  const a = address.toLowerCase();
  if (isOwnAddress(ctx.config.support_address, a) || tokenOf(ctx.config, a)) return `${a} is our own support address`;
  // By the +tag-free key, as the outbox counts: joe+x@ is delivered to joe's own box.
  const key = recipientKey(a);
  if (ctx.config.staff.some((s) => [s.email, ...s.aliases].some((x) => recipientKey(x) === key))) return `${a} is a staff address`;
  return null;
}

/** Inside the caller's transaction (apply-plan's). */
export function openForClient(ctx: ServiceContext, input: StaffOpenIn): StaffOpenDone | ReturnType<typeof refuse> {
  const member = ctx.config.staff.find((s) => s.id === input.staffId);
  if (!member) return refuse('unknown', `no staff member "${input.staffId}"`);
  const actor: Actor = { kind: 'staff', id: member.id, role: member.role };
  const { commands, body } = parseCommands(input.message.visibleText);
  const lines: CommandLineResult[] = [];
  let client: Extract<Command, { kind: 'client' }> | null = null;
  let typeId = input.typeId;
  let assignee: string | null | undefined = input.assignee;
  let priority = input.priority;
  for (const c of commands) {
    switch (c.kind) {
      case 'client': {
        const problem = client ? 'only one #client line' : clientProblem(ctx, c.address);
        if (problem) lines.push(refused(c.line, problem));
        else {
          client = c;
          lines.push(done(c.line, `the ticket is for ${c.address.toLowerCase()}`));
        }
        break;
      }
      case 'type': {
        const type = ctx.config.request_types.find((t) => t.id === c.typeId);
        if (!type) lines.push(refused(c.line, `no request type "${c.typeId}" (known: ${ctx.config.request_types.map((t) => t.id).join(', ')})`));
        else {
          typeId = type.id;
          assignee = undefined; // the type's own assignee, not the one routed for another type
          lines.push(done(c.line, `type ${type.label}`));
        }
        break;
      }
      case 'priority':
        if (isPriority(c.priority)) priority = c.priority;
        lines.push(done(c.line, `priority ${c.priority}`));
        break;
      case 'invalid':
        lines.push(refused(c.line, c.why));
        break;
      default:
        lines.push(refused(c.line, 'not for a new ticket: use it in a reply to the ticket\'s mail once it is open'));
    }
  }
  const s = storesOf(ctx.db);
  const failed = lines.filter((l) => !l.applied);
  if (!failed.length && client) {
    const email = client.address.toLowerCase();
    const org = ctx.config.clients.organisations.find((o) => o.domains.some((d) => inDomain(domainOf(email), d)))?.name ?? null;
    const opened = open(ctx, actor, 'email', {
      typeId,
      subject: input.message.subject,
      client: { email, name: cleanName(client.name ?? '') || null, organisation: org },
      ...(assignee === undefined ? {} : { assignee }),
      priority,
      // The ticket's first message is the text under the lines.
      message: { ...input.message, visibleText: body },
    });
    if (opened.ok) {
      const t = opened.ticket;
      const text = `${t.key} is open for ${email}${t.assignee ? `, assigned to ${t.assignee}` : ', in the triage queue'}; you are its checker. ${email} gets our usual acknowledgement (within the usual rate limits), and your text is the ticket's first message.`;
      s.events.add({ ticketId: t.id, journalId: input.journalId, actor: member.id, via: 'email', kind: 'staff_mail', at: at(ctx), data: { lines, relayed: false, text } });
      emit(ctx, { kind: 'staff-mail-handled', ticket: t, by: { id: member.id, name: member.name }, message: input.snapshot, lines, relayed: false, text });
      return { ticketId: t.id, ticketKey: t.key, summary: `staff ${member.id} opened ${t.key} for ${email} by mail` };
    }
    failed.push(refused(client.line, opened.sentence));
    lines.splice(lines.findIndex((l) => l.line === client!.line), 1, refused(client.line, opened.sentence));
  }
  const why = failed.length ? failed.map((l) => `"${l.line}": ${l.sentence}`).join('; ') : 'no #client line';
  const text = `No ticket was opened and nothing was sent to anyone, because ${why}. Correct the lines and send the mail again.`;
  s.events.add({ ticketId: null, journalId: input.journalId, actor: member.id, via: 'email', kind: 'staff_open_refused', at: at(ctx), data: { lines, text } });
  emit(ctx, { kind: 'staff-open-refused', by: { id: member.id, name: member.name }, message: input.snapshot, lines, text });
  return { ticketId: null, ticketKey: null, summary: `staff ${member.id}'s #client mail opened nothing: ${why}` };
}
