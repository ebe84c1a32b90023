import { cleanLine, cleanText } from '../mail/clean-text.js';
import type { AttachmentInfo } from '../router/types.js';
import type { MessageSnapshot } from '../tickets/changes.js';
import type { Move } from '../tickets/rules.js';
import { decide } from '../tickets/rules.js';
import { isPriority, type Actor, type Channel, type Priority } from '../tickets/status.js';
import { act, load, refuse, ruleTicket, staffRef, storesOf, type Result, type ServiceContext, type Target } from './ticket-core.js';

// THE ticket service: every way staff change a ticket, for the CLI, staff mail and the
// scheduler alike. Each function runs inside the caller's transaction (store/transaction.ts),
// asks the rules (tickets/rules.ts) and returns a refusal as a value, never throws one.
// Mail in (open, append) lives in ticket-mail.ts and is exported from here too.

export { append, open } from './ticket-mail.js';
export type { AppendArgs, OpenArgs, Opened } from './ticket-mail.js';
export type { Done, Result, ServiceContext, Target } from './ticket-core.js';

const REASON_MAX = 500;
const TEXT_MAX = 20_000;

/** A one-line reason (assign, send back): controls removed, capped. */
const reasonOf = (r: string | undefined): string | undefined => (r === undefined ? undefined : cleanLine(r, REASON_MAX).trim() || undefined);

/** A body a person typed (note, reply): controls but LF and TAB removed, trimmed. */
function textOf(text: string): string | { ok: false; code: 'bad_input'; sentence: string } {
  const t = cleanText(text.replace(/\r\n?/g, '\n')).trim();
  if (!t) return refuse('bad_input', 'the text is empty') as { ok: false; code: 'bad_input'; sentence: string };
  if (t.length > TEXT_MAX) return refuse('bad_input', `the text is over ${TEXT_MAX} characters`) as { ok: false; code: 'bad_input'; sentence: string };
  return t;
}

/** Leads and managers (re)assign; `to` null puts it in the triage queue. The new assignee hears. */
export function assign(ctx: ServiceContext, actor: Actor, channel: Channel, args: { target: Target; to: string | null; reason?: string }): Result {
  const reason = reasonOf(args.reason);
  return act(ctx, actor, channel, args.target, { kind: 'assign', to: args.to, reason }, (t) => {
    if (args.to !== null && !ctx.config.staff.some((s) => s.id === args.to)) return refuse('unknown', `no staff member "${args.to}"`);
    return {
      next: { assignee: args.to },
      events: () => [{ kind: 'assigned', data: { from: t.assignee, to: args.to, reason: reason ?? null } }],
      changes: (after) => [{ kind: 'assigned', ticket: after, from: t.assignee, to: args.to, by: staffRef(ctx, actor), reason: reason ?? null }],
    };
  });
}

export type StatusTarget = 'open' | 'tbc' | 'closed';

/** done (tbc, recording the worker), close (checker; the client's closed notice), reopen / take on (open). */
export function setStatus(ctx: ServiceContext, actor: Actor, channel: Channel, args: { target: Target; to: StatusTarget }): Result {
  const t = load(ctx, args.target);
  if ('ok' in t) return t;
  const move: Move = args.to === 'tbc' ? { kind: 'done' } : args.to === 'closed' ? { kind: 'close' } : t.status === 'closed' ? { kind: 'reopen' } : { kind: 'start' };
  return act(ctx, actor, channel, t, move, () => {
    if (move.kind !== 'done') return {};
    // The assignee did the work, whoever records it; a triage ticket's worker is who marks it.
    const worker = t.assignee ?? (actor.kind === 'staff' ? actor.id : null);
    return {
      next: { worker },
      statusData: { worker },
      write: (id, when) => storesOf(ctx.db).tickets.reworkBackToTbc(id, when),
    };
  });
}

export const done = (ctx: ServiceContext, actor: Actor, channel: Channel, target: Target): Result => setStatus(ctx, actor, channel, { target, to: 'tbc' });
export const close = (ctx: ServiceContext, actor: Actor, channel: Channel, target: Target): Result => setStatus(ctx, actor, channel, { target, to: 'closed' });

/** The checker sends tbc work back: open, to the worker, a rework entry, a notice with the reason. */
export function sendBack(ctx: ServiceContext, actor: Actor, channel: Channel, args: { target: Target; reason: string }): Result {
  const reason = reasonOf(args.reason);
  return act(ctx, actor, channel, args.target, { kind: 'send_back', reason }, (t) => {
    const worker = t.worker ?? t.assignee;
    if (!worker) return refuse('unknown', `nobody is recorded as having done ${t.key}; assign it instead`);
    let reworkId = 0;
    const by = staffRef(ctx, actor);
    return {
      next: { assignee: worker },
      write: (id, when) => {
        reworkId = storesOf(ctx.db).tickets.addRework({ ticketId: id, typeId: t.typeId, worker, checker: by.id, reason: reason!, at: when });
      },
      events: () => [{ kind: 'sent_back', data: { worker, reason, rework: reworkId } }],
      changes: (after) => [{ kind: 'sent-back', ticket: after, worker, by, reason: reason! }],
    };
  });
}

/** An internal note (an inbound call, a finding): never sent to the client. */
export function note(ctx: ServiceContext, actor: Actor, channel: Channel, args: { target: Target; text: string }): Result {
  const text = textOf(args.text);
  if (typeof text !== 'string') return text;
  return act(ctx, actor, channel, args.target, { kind: 'note' }, () => ({ events: () => [{ kind: 'note', data: { text } }] }));
}

/**
 * A staff member's answer to the client, on the ticket's thread, through the outbox. `then`
 * moves it on in the same step (tbc or closed); checked before anything is written, so a
 * refused move sends no reply either.
 */
export function reply(
  ctx: ServiceContext,
  actor: Actor,
  channel: Channel,
  args: {
    target: Target;
    text: string;
    then?: 'tbc' | 'closed';
    /** Already in the blob store (reply-files.ts). */
    attachments?: readonly AttachmentInfo[];
    /** The client already got it (in the To/Cc of the staff member's own mail): recorded, never sent again. */
    direct?: boolean;
  },
): Result {
  const text = textOf(args.text);
  if (typeof text !== 'string') return text;
  // All or nothing: a client must not get "see attached" without the file.
  const budget = ctx.config.limits.mail_attachments_max_bytes;
  const total = (args.attachments ?? []).reduce((n, a) => n + a.size, 0);
  if (total > budget) return refuse('bad_input', `the attachments total ${total} bytes, over limits.mail_attachments_max_bytes (${budget})`);
  const t = load(ctx, args.target);
  if ('ok' in t) return t;
  if (args.then) {
    const first = decide(ruleTicket(ctx, t), actor, { kind: 'reply' });
    if (first.ok) {
      const second = decide({ ...ruleTicket(ctx, t), status: first.to }, actor, args.then === 'tbc' ? { kind: 'done' } : { kind: 'close' });
      if (!second.ok) return second;
    }
  }
  const by = staffRef(ctx, actor);
  let message: MessageSnapshot | null = null;
  const replied = act(ctx, actor, channel, t, { kind: 'reply' }, () => {
    if (!t.clientEmail) return refuse('no_client', `${t.key} has no client to answer; add a note instead`);
    const email = ctx.config.staff.find((s) => s.id === by.id)?.email ?? null;
    return {
      write: (id, when) => {
        const messageId = storesOf(ctx.db).tickets.addMessage({
          ticketId: id,
          journalId: null,
          direction: 'out',
          authorKind: 'staff',
          authorEmail: email,
          messageId: null, // the outbox row's, once written (hooks link it)
          subject: t.subject,
          bodyText: text,
          visibleText: text,
          bodyHtml: null,
          at: when,
        });
        for (const a of args.attachments ?? [])
          storesOf(ctx.db).tickets.addAttachment({ messageId, filename: a.filename, contentType: a.contentType, size: a.size, sha256: a.sha256, path: a.storedPath, note: null });
        message = { id: messageId, journalId: null, messageId: null, references: [], subject: t.subject, authorKind: 'staff', authorEmail: email, authorName: by.name, visibleText: text };
      },
      events: () => [{ kind: 'staff_replied', data: { messageId: message!.id, to: t.clientEmail, ...(args.direct ? { direct: true } : {}) } }],
      changes: (after) => [{ kind: 'replied', ticket: after, message: message!, by, text, ...(args.direct ? { direct: true as const } : {}) }],
    };
  });
  if (!replied.ok || !args.then) return replied;
  const moved = setStatus(ctx, actor, channel, { target: { id: t.id }, to: args.then });
  // Checked above on the same transaction's data: a refusal here is a bug, and throwing rolls
  // the reply back with the caller's transaction rather than sending it without the move.
  if (!moved.ok) throw new Error(`reply then ${args.then}: ${moved.sentence}`);
  return moved;
}

/** A new request type: the key stays (numbers are global), the event records both. */
export function retype(ctx: ServiceContext, actor: Actor, channel: Channel, args: { target: Target; typeId: string }): Result {
  return act(ctx, actor, channel, args.target, { kind: 'retype' }, (t) => {
    if (!ctx.config.request_types.some((r) => r.id === args.typeId)) return refuse('unknown', `no request type "${args.typeId}"`);
    if (t.typeId === args.typeId) return refuse('no_change', `${t.key} is already of type ${args.typeId}`);
    return { next: { typeId: args.typeId }, events: () => [{ kind: 'retyped', data: { from: t.typeId, to: args.typeId } }] };
  });
}

export function setPriority(ctx: ServiceContext, actor: Actor, channel: Channel, args: { target: Target; priority: string }): Result {
  return act(ctx, actor, channel, args.target, { kind: 'priority' }, (t) => {
    if (!isPriority(args.priority)) return refuse('bad_input', `priority must be low, normal, high or urgent, not "${cleanLine(args.priority, 40)}"`);
    const priority: Priority = args.priority;
    if (t.priority === priority) return refuse('no_change', `${t.key} is already ${priority} priority`);
    return { next: { priority }, events: () => [{ kind: 'priority_changed', data: { from: t.priority, to: priority } }] };
  });
}
