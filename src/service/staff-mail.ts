import { hasQuotedHistory } from '../ingest/visible-text.js';
import { tokenOf } from '../mail/reply-address.js';
import { isOwnAddress } from '../outbox/recipient.js';
import type { Command } from '../router/commands/parse.js';
import { parseCommands } from '../router/commands/parse.js';
import type { AttachmentInfo } from '../router/types.js';
import type { CommandLineResult, MessageSnapshot } from '../tickets/changes.js';
import type { Actor } from '../tickets/status.js';
import { at, emit, load, refuse, staffRef, storesOf, type Result, type ServiceContext } from './ticket-core.js';
import { assign, note, reply, retype, sendBack, setPriority, setStatus } from './tickets.js';

// A verified staff mail to a signed reply address (README "Email commands"), in four steps:
// parse the `#` lines (router/commands), apply each through the ticket service (the rules
// decide, nothing here does), then relay the rest of the text to the client or keep it as a
// note, then report once to the sender. A line that is malformed or refused means nothing is
// relayed: a typo must never send an internal remark to the client.

export interface StaffMailIn {
  ticketId: number;
  staffId: string;
  journalId: number | null;
  /** The new text of the mail (quoted history and signature already removed). */
  visibleText: string;
  /** The signature split off it (Mail.signature); relayed only with `relay.keep_signature`. */
  signature: string | null;
  attachments: readonly AttachmentInfo[];
  message: MessageSnapshot;
  /** Every address in the mail's To and Cc, lowercased. */
  copied: readonly string[];
}

/** To/Cc addresses that are neither ours (the support address, a signed one) nor a staff member's. */
function outsiders(ctx: ServiceContext, copied: readonly string[]): string[] {
  const staff = new Set(ctx.config.staff.flatMap((m) => [m.email, ...m.aliases].map((a) => a.toLowerCase())));
  const out = copied.map((a) => a.toLowerCase()).filter((a) => !isOwnAddress(ctx.config.support_address, a) && tokenOf(ctx.config, a) === null && !staff.has(a));
  return [...new Set(out)];
}

export interface StaffMailDone {
  ticketKey: string;
  summary: string;
}

type Applicable = Exclude<Command, { kind: 'invalid' | 'internal' }>;

function applyOne(ctx: ServiceContext, actor: Actor, ticketId: number, c: Applicable): Result {
  const target = { id: ticketId };
  switch (c.kind) {
    case 'client':
      return refuse('bad_input', '#client opens a new ticket: write it in a new mail to the support address, not in a reply');
    case 'status':
      return setStatus(ctx, actor, 'email', { target, to: c.to });
    case 'assign':
      return assign(ctx, actor, 'email', { target, to: c.to, reason: c.reason ?? undefined });
    case 'sendback':
      return sendBack(ctx, actor, 'email', { target, reason: c.reason });
    case 'type':
      return retype(ctx, actor, 'email', { target, typeId: c.typeId });
    case 'priority':
      return setPriority(ctx, actor, 'email', { target, priority: c.priority });
  }
}

const done = (line: string, sentence: string): CommandLineResult => ({ line, applied: true, sentence });
const refused = (line: string, sentence: string): CommandLineResult => ({ line, applied: false, sentence });

/** Inside the caller's transaction (apply-plan's): every move, the relay or note, the confirmation. */
export function applyStaffMail(ctx: ServiceContext, input: StaffMailIn): StaffMailDone | ReturnType<typeof refuse> {
  const member = ctx.config.staff.find((s) => s.id === input.staffId);
  if (!member) return refuse('unknown', `no staff member "${input.staffId}"`);
  const actor: Actor = { kind: 'staff', id: member.id, role: member.role };
  const before = load(ctx, { id: input.ticketId });
  if ('ok' in before) return before;
  const { commands, body } = parseCommands(input.visibleText);
  const lines: CommandLineResult[] = [];
  const invalid = commands.filter((c): c is Extract<Command, { kind: 'invalid' }> => c.kind === 'invalid');
  const internal = commands.some((c) => c.kind === 'internal');
  let blocked: string | null = null;
  if (invalid.length) {
    // The mail may not say what its writer meant: apply none of it.
    blocked = `${invalid.map((c) => `"${c.line}": ${c.why}`).join('; ')}`;
    for (const c of commands) lines.push(c.kind === 'invalid' ? refused(c.line, c.why) : refused(c.line, 'not applied: another command line is not understood'));
  }
  // Quoted history left in the new text (an attribution we did not recognise, a reply with
  // nothing new, whose whole text then counts as new) would send our notice to the client.
  const quotes = hasQuotedHistory(body) ? 'the text still holds quoted lines ("> …" or a From:/Sent: block), which are never sent; write the answer above the quote' : null;
  // A forwarded or attached mail (Outlook's "attach original") is our own notice with its
  // signed Reply-To: it never goes to the client.
  const files = input.attachments.filter((a) => !/^(message\/|text\/rfc822-headers)/i.test(a.contentType));
  // A file too big to store cannot go with the text: the client would get half the answer.
  const unstored = files.filter((a) => a.storedPath === null);
  const missing = unstored.length
    ? `${unstored.map((a) => a.filename).join(', ')} ${unstored.length === 1 ? 'is' : 'are'} over limits.attachment_max_bytes (${ctx.config.limits.attachment_max_bytes} bytes) and could not go with it`
    : null;
  // A close with text to relay goes with the reply (reply's `then`): a close first would be
  // reopened by the reply, and both are checked before either is written.
  const statuses = commands.filter((c) => c.kind === 'status');
  const last = statuses[statuses.length - 1];
  const closeWithReply = !blocked && !internal && !quotes && !missing && body && last?.kind === 'status' && last.to === 'closed' ? last : null;
  if (!blocked) {
    for (const c of commands) {
      if (c === closeWithReply) continue;
      if (c.kind === 'internal') {
        lines.push(done(c.line, 'the text is kept as an internal note'));
        continue;
      }
      if (blocked) {
        lines.push(refused(c.line, 'not tried: an earlier command line was refused'));
        continue;
      }
      const r = applyOne(ctx, actor, input.ticketId, c as Applicable);
      if (r.ok) lines.push(done(c.line, `${r.ticket.key} is ${r.ticket.status}${r.ticket.assignee ? `, assigned to ${r.ticket.assignee}` : ''}${r.override ? ' (a manager\'s override)' : ''}`));
      else {
        lines.push(refused(c.line, r.sentence));
        blocked = `"${c.line}" was refused: ${r.sentence}`;
      }
    }
  }
  // Someone outside (the client, a vendor) in To/Cc got the mail, and with it the signed
  // address and everything in it: say so, and never send the client a second copy.
  const outside = outsiders(ctx, input.copied);
  const client = before.clientEmail?.toLowerCase() ?? null;
  const clientCopied = client !== null && outside.includes(client);
  let relayed = false;
  let text: string;
  if (!body) {
    text = 'There was no text to send to the client.';
  } else if (blocked || internal || quotes || missing) {
    const kept = note(ctx, actor, 'email', { target: { id: input.ticketId }, text: body });
    const reason = blocked ?? (internal ? null : (quotes ?? missing));
    const why = reason ? `Nothing was sent to the client because ${reason}.` : 'Nothing was sent to the client (#internal).';
    text = kept.ok ? `${why} Your text is kept on the ticket as an internal note.` : `${why} Your text could not be kept either: ${kept.sentence}`;
  } else {
    const signed = ctx.config.relay.keep_signature && input.signature ? `${body}\n\n${input.signature}` : body;
    const sent = reply(ctx, actor, 'email', {
      target: { id: input.ticketId },
      text: signed,
      attachments: files,
      ...(closeWithReply ? { then: 'closed' as const } : {}),
      ...(clientCopied ? { direct: true } : {}),
    });
    if (sent.ok) {
      relayed = !clientCopied;
      const withFiles = files.length ? ` with ${files.length} attachment${files.length === 1 ? '' : 's'}` : '';
      text = clientCopied
        ? `The client (${client}) was in the To or Cc of your mail and got it from you directly, so it was not sent again; it is recorded on the ticket as your reply.`
        : `Your text was sent to the client${withFiles}.`;
      if (closeWithReply) lines.push(done(closeWithReply.line, `${sent.ticket.key} is ${sent.ticket.status}`));
    } else {
      // The close (checked first) or the reply itself was refused: keep the words, say why.
      note(ctx, actor, 'email', { target: { id: input.ticketId }, text: body });
      text = `Nothing was sent to the client: ${sent.sentence}. Your text is kept on the ticket as an internal note.`;
      if (closeWithReply) lines.push(refused(closeWithReply.line, sent.sentence));
    }
  }
  // Lines in the order written, whatever order they were applied in.
  lines.sort((a, b) => commands.findIndex((c) => c.line === a.line) - commands.findIndex((c) => c.line === b.line));
  const s = storesOf(ctx.db);
  if (outside.length) {
    s.events.add({ ticketId: input.ticketId, journalId: input.journalId, actor: member.id, via: 'email', kind: 'reply_address_exposed', at: at(ctx), data: { to: outside } });
    text += `\n\nWarning: your mail also went to ${outside.join(', ')}, who ${outside.length === 1 ? 'has' : 'have'} now seen everything in it${clientCopied ? ' (the client too: your whole mail, command lines included)' : ''} and this ticket's reply address. Anyone can write "From: you", so until tomorrow's mails bring a new address, this one acts on the ticket only when your domain's DMARC passes at our server. Reply to ticket mail without copying others in: the client gets your text from us.`;
  }
  s.events.add({
    ticketId: input.ticketId,
    journalId: input.journalId,
    actor: member.id,
    via: 'email',
    kind: 'staff_mail',
    at: at(ctx),
    data: { lines, relayed, text },
  });
  const after = s.tickets.snapshot(input.ticketId);
  emit(ctx, { kind: 'staff-mail-handled', ticket: after, by: staffRef(ctx, actor), message: input.message, lines, relayed, text });
  const applied = lines.filter((l) => l.applied).length;
  return {
    ticketKey: after.key,
    summary: `staff mail from ${member.id}: ${applied} of ${lines.length} command line(s) applied; ${relayed ? 'text relayed to the client' : body ? 'text kept as a note' : 'no text'}`,
  };
}
