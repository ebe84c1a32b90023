import { cleanLine, cleanName, cleanText } from '../mail/clean-text.js';
import { mailboxProblem } from '../outbox/recipient.js';
import type { AttachmentInfo } from '../router/types.js';
import type { MessageSnapshot, TicketSnapshot } from '../tickets/changes.js';
import { checkerFor } from '../tickets/rules.js';
import { isPriority, type Actor, type Channel, type Priority } from '../tickets/status.js';
import { act, actorId, at, emit, refuse, storesOf, type Result, type ServiceContext } from './ticket-core.js';

// The ticket service's two ways in: open a ticket (a client's mail, or staff with `ticketd
// open`) and append a mail to one. Ingest (apply-plan.ts) and the CLI both come through here.

/** A message as stored on the ticket; from a mail, or typed by staff. */
export interface MessageIn {
  journalId: number | null;
  messageId: string | null;
  references: string[];
  subject: string;
  bodyText: string;
  visibleText: string;
  bodyHtml: string | null;
  attachments: readonly AttachmentInfo[];
  authorEmail: string;
  authorName: string | null;
}

export interface OpenArgs {
  typeId: string;
  subject: string;
  /** Who the ticket is for and hears about it; null when staff opened it for nobody outside. */
  client: { email: string; name?: string | null; organisation?: string | null } | null;
  /** Undefined: the type's assignee. */
  assignee?: string | null;
  priority?: Priority;
  message: MessageIn;
  /** The routing rules that decided it (kept on the created event). */
  rules?: string[];
  /** Staff opened it and did not ask to tell the client: no acknowledgement. */
  quiet?: boolean;
  /** Why the sender must get no automatic answer (the pipeline's finding). */
  noAutoAnswer?: string;
  /** The caller's own events on the new ticket, written before the change goes to the hooks. */
  record?: (ticketId: number) => void;
}

export interface Opened {
  ok: true;
  ticket: TicketSnapshot;
  message: MessageSnapshot;
}

/** A new ticket (status new): staff check what they open, management what clients open. */
export function open(ctx: ServiceContext, actor: Actor, channel: Channel, args: OpenArgs): Opened | ReturnType<typeof refuse> {
  const type = ctx.config.request_types.find((t) => t.id === args.typeId);
  if (!type) return refuse('unknown', `no request type "${args.typeId}"`);
  const assignee = args.assignee === undefined ? type.assignee : args.assignee;
  if (assignee !== null && !ctx.config.staff.some((s) => s.id === assignee)) return refuse('unknown', `no staff member "${assignee}"`);
  const priority = args.priority ?? 'normal';
  if (!isPriority(priority)) return refuse('bad_input', 'priority must be low, normal, high or urgent');
  const client = args.client ? { ...args.client, email: args.client.email.trim() } : null;
  if (client) {
    // One bare mailbox: the ticket's mail goes to it, and a list would fan out.
    const problem = mailboxProblem(client.email);
    if (problem) return refuse('bad_input', `the client address ${problem}`);
    client.email = client.email.toLowerCase();
  }
  const s = storesOf(ctx.db);
  const when = at(ctx);
  const staff = actor.kind === 'staff';
  const checker = checkerFor(actor);
  const subject = cleanLine(args.subject, 250).trim() || '(no subject)';
  const { id, key } = s.tickets.create({
    typeId: type.id,
    prefix: type.prefix,
    numberStart: ctx.config.ticket_number_start,
    subject,
    priority,
    assignee,
    openerKind: staff ? 'staff' : 'client',
    openerEmail: args.message.authorEmail,
    openerName: args.message.authorName || null,
    checker,
    clientEmail: client?.email ?? null,
    organisation: client?.organisation ?? null,
    threadMessageId: args.message.messageId,
    at: when,
  });
  if (client) s.clients.seen(client.email, client.name ?? '', client.organisation ?? null, when);
  const message = addMessage(ctx, id, args.message, staff, when);
  s.events.add({
    ticketId: id,
    journalId: args.message.journalId,
    actor: actorId(actor),
    via: channel,
    kind: 'created',
    at: when,
    data: { key, type: type.id, assignee, priority, checker, rules: args.rules ?? [], messageId: message.id },
  });
  args.record?.(id);
  const ticket = s.tickets.snapshot(id);
  emit(ctx, {
    kind: 'ticket-created',
    ticket,
    message,
    ...(args.noAutoAnswer ? { noAutoAnswer: args.noAutoAnswer } : {}),
    ...(args.quiet ? { quiet: true as const } : {}),
  });
  return { ok: true, ticket, message };
}

export interface AppendArgs {
  ticketId: number;
  message: MessageIn;
  threadedBy: string | null;
  /** Why the writer is a third party: kept on the ticket, it changes nothing. */
  thirdParty?: string;
  organisation?: string | null;
  record?: (ticketId: number) => void;
}

/**
 * A mail on a ticket. The client's sets the blue flag and reopens a closed ticket. Verified
 * staff mail is kept like a note until staff commands by mail exist (issue 9 relays it as a
 * reply): it clears the blue flag and moves nothing. A third party's changes nothing.
 */
export function append(ctx: ServiceContext, actor: Actor, channel: Channel, args: AppendArgs): Result & { message?: MessageSnapshot } {
  const s = storesOf(ctx.db);
  const staff = actor.kind === 'staff';
  if (args.thirdParty) {
    const when = at(ctx);
    const message = addMessage(ctx, args.ticketId, args.message, staff, when);
    s.events.add({
      ticketId: args.ticketId,
      journalId: args.message.journalId,
      actor: actorId(actor),
      via: channel,
      kind: 'third_party_wrote',
      at: when,
      data: { messageId: message.id, threadedBy: args.threadedBy, reason: args.thirdParty },
    });
    args.record?.(args.ticketId);
    const ticket = s.tickets.snapshot(args.ticketId);
    emit(ctx, { kind: 'message-appended', ticket, message, reopened: false, thirdParty: args.thirdParty });
    return { ok: true, ticket, message };
  }
  let message: MessageSnapshot | null = null;
  let reopened = false;
  const r = act(
    ctx,
    actor,
    channel,
    { id: args.ticketId },
    staff ? { kind: 'note' } : { kind: 'reply' },
    (t) => {
      reopened = t.status === 'closed';
      return {
        write: (id, when) => {
          message = addMessage(ctx, id, args.message, staff, when);
          if (!staff) s.clients.seen(args.message.authorEmail, args.message.authorName ?? '', args.organisation ?? null, when);
        },
        afterEvents: (id) => args.record?.(id),
        events: () => [{ kind: staff ? 'staff_replied' : 'client_replied', data: { messageId: message!.id, threadedBy: args.threadedBy } }],
        statusData: reopened ? { reason: 'client replied to a closed ticket' } : {},
        changes: (after) => [{ kind: 'message-appended', ticket: after, message: message!, reopened: reopened && after.status !== 'closed' }],
      };
    },
    { journalId: args.message.journalId },
  );
  return r.ok ? { ...r, message: message! } : r;
}

function addMessage(ctx: ServiceContext, ticketId: number, m: MessageIn, staff: boolean, when: string): MessageSnapshot {
  const s = storesOf(ctx.db);
  const id = s.tickets.addMessage({
    ticketId,
    journalId: m.journalId,
    direction: 'in',
    authorKind: staff ? 'staff' : 'client',
    authorEmail: m.authorEmail,
    messageId: m.messageId,
    subject: m.subject,
    bodyText: m.bodyText,
    visibleText: m.visibleText,
    bodyHtml: m.bodyHtml,
    at: when,
  });
  for (const a of m.attachments) {
    s.tickets.addAttachment({ messageId: id, filename: a.filename, contentType: a.contentType, size: a.size, sha256: a.sha256, path: a.storedPath, note: a.note ?? null });
  }
  return {
    id,
    journalId: m.journalId,
    messageId: m.messageId,
    references: m.references,
    subject: m.subject,
    authorKind: staff ? 'staff' : 'client',
    authorEmail: m.authorEmail,
    authorName: m.authorName || null,
    visibleText: m.visibleText,
  };
}

/** Text typed by staff as a ticket's first message (ticketd open). */
export function typedMessage(text: string, subject: string, author: { email: string; name: string }): MessageIn {
  const body = cleanText(text.replace(/\r\n?/g, '\n')).trim();
  return { journalId: null, messageId: null, references: [], subject, bodyText: body, visibleText: body, bodyHtml: null, attachments: [], authorEmail: author.email, authorName: cleanName(author.name) || null };
}
