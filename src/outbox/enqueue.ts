import { randomUUID } from 'node:crypto';
import type { Config } from '../config/schema.js';
import type { ChangeHook, MessageSnapshot, TicketChange, TicketSnapshot } from '../tickets/changes.js';
import type { Db } from '../store/db.js';
import { openTicketsOf, ticketDetails } from '../store/client-tickets.js';
import { firstMessageText, linkMessageToOutbox } from '../store/tickets.js';
import { addOutboxFiles, autoRepliesSince, autoRepliesTo, insertOutbox, messageFiles, recordOutboxEvent, staffMailsAbout } from '../store/outbox.js';
import { capReferences, cleanLine, cleanName, cleanSubject } from '../mail/clean-text.js';
import { ago } from '../dates.js';
import { linkFreeSummary, statusWord } from '../templates/format.js';
import { greetingName } from '../templates/greeting-name.js';
import { endsWithSignOff, opensWithGreeting } from '../templates/own-words.js';
import { brandOf, type Templates } from '../templates/load.js';
import type { MailData, MailKind } from '../templates/mail-data.js';
import { isOwnAddress, mailboxProblem, recipientKey } from './recipient.js';
import { replyAddress } from '../mail/reply-address.js';
import { sentSince } from '../store/outbox.js';

// The ChangeHook that turns a change into outbox rows, inside the change's transaction.
// Everything that makes a mail "the same mail" on retry (Message-ID, threading, text) is
// fixed here; delivery only copies it to SMTP.

/** Replies to a message someone sent (RFC 3834 "auto-replied"); limited per recipient. */
const autoReplies: ReadonlySet<MailKind> = new Set(['ack', 'status', 'unknown_sender']);
/**
 * Written by a person (a staff reply): no Auto-Submitted (RFC 3834: absent means "no"), so
 * the client's mail program treats it like any mail from a person, and no request to suppress
 * their out-of-office (we want to know they are away). The loop header stays: it is still
 * our mail if it ever comes back to the support mailbox.
 */
const humanMail: ReadonlySet<MailKind> = new Set(['reply']);
/**
 * Answers to a staff member's mail (RFC 3834 "auto-replied"), one per mail they sent: not in
 * the automatic-reply budget, which is for the outside.
 */
const staffAnswers: ReadonlySet<MailKind> = new Set(['confirmation', 'reply_refused']);
/**
 * Row header (never sent as such) with the display name of a staff reply's From: deliver puts
 * it before our own address ("Joe at Acme Support" <support@…>), so the client sees who wrote.
 */
export const FROM_NAME_HEADER = 'X-Ticketd-From-Name';
/**
 * Automatic mail to a staff member about a ticket that their own mail (or a client's) causes:
 * limited per (staff member, ticket), so a loop with an auto-responder that sends no
 * Auto-Submitted header stops (rate_limits.staff_per_ticket).
 */
const staffLimited: ReadonlySet<MailKind> = new Set(['confirmation', 'forward']);
/** Files one forward of a client's message carries, and files it names as not carried. */
const FORWARD_FILES_MAX = 50;
const FORWARD_OMITTED_SHOWN = 20;
/** At most one explanation a day per staff member: a misused reply address must not loop. */
const REFUSED_EVERY_MS = 24 * 3600_000;

interface Thread {
  inReplyTo: string | null;
  refs: string[];
}

/** Reply to a message: In-Reply-To it, References = its References + it (capped: rows stored before parse capped them). */
const replyTo = (m: MessageSnapshot): Thread =>
  m.messageId ? { inReplyTo: m.messageId, refs: capReferences([...m.references.filter((r) => r !== m.messageId), m.messageId]) } : { inReplyTo: null, refs: [] };

// Names and subjects are cleaned at parse; again here for rows stored before that. Staff read
// the name as it is (who wrote); a client is greeted by it only when it is a person's.
const shownName = (name: string | null | undefined): string | null => cleanName(name ?? '') || null;

/** Later mails on a ticket thread onto its conversation. */
const onTicket = (t: TicketSnapshot): Thread =>
  t.threadMessageId ? { inReplyTo: t.threadMessageId, refs: [t.threadMessageId] } : { inReplyTo: null, refs: [] };

export interface OutboxHookOptions {
  now?: () => Date;
}

export function createOutboxHook(config: Config, templates: Templates, opts: OutboxHookOptions = {}): ChangeHook {
  const now = opts.now ?? (() => new Date());
  const brand = brandOf(config);
  const staffById = new Map(config.staff.map((s) => [s.id, s]));
  const typeById = new Map(config.request_types.map((t) => [t.id, t]));
  const { per_recipient: perRecipient, global, staff_per_ticket: staffPerTicket } = config.rate_limits;
  const supportDomain = config.support_address.toLowerCase().split('@')[1]!;
  // Mail to a staff member's address is staff mail, whatever its kind (notices now; relays
  // and digests later): delivered first and not counted against the automatic-reply budget.
  const staffKeys = new Set(config.staff.map((s) => recipientKey(s.email)));

  function enqueue<K extends MailKind>(
    db: Db,
    kind: K,
    to: string,
    data: MailData[K],
    thread: Thread,
    refs: { ticketId: number | null; journalId: number | null },
    more: {
      /** The staff member this mail is about a ticket for: Reply-To is their signed address. */
      signFor?: { ticketId: number; staffId: string };
      fromName?: string;
      /** Stored attachments (ids) the mail carries: a forwarded client's files. */
      files?: readonly number[];
    } = {},
  ): { id: number; messageId: string } | null {
    const { signFor, fromName } = more;
    const at = now();
    const createdAt = at.toISOString();
    const auto = autoReplies.has(kind);
    const minutesAgo = (m: number) => new Date(at.getTime() - m * 60_000).toISOString();
    // One row, one bare mailbox: a list, a group or a display name could fan out to many
    // recipients or put words we did not write in the To line. No row; the change commits.
    const problem = mailboxProblem(to);
    if (problem) {
      recordOutboxEvent(db, {
        ...refs,
        at: createdAt,
        actor: 'system',
        via: 'system',
        kind: 'mail_refused',
        data: { mail: kind, to: to.length > 200 ? `${to.slice(0, 200)}…` : to, reason: `not written: the recipient ${problem}` },
      });
      return null;
    }
    const key = recipientKey(to);
    const audience = staffKeys.has(key) ? 'staff' : 'outside';
    // Loop protection (our own address, the per-recipient limit) and the global budget of
    // automatic replies hold a row with an event: visible, releasable by hand, never lost.
    // Checked once, here: a mail the operator releases is sent as it is.
    let held: string | null = null;
    if (isOwnAddress(config.support_address, to)) held = `held back: ${to} is our own support address (a loop in the making)`;
    else if (auto && autoRepliesTo(db, key, minutesAgo(perRecipient.minutes), perRecipient.count) >= perRecipient.count)
      held = `held back by rate limit: ${perRecipient.count} automatic replies to ${key} in ${perRecipient.minutes} minutes`;
    else if (auto && audience === 'outside' && autoRepliesSince(db, minutesAgo(global.minutes), global.count) >= global.count)
      held = `held back by the global limit: ${global.count} automatic replies in ${global.minutes} minutes`;
    else if (staffLimited.has(kind) && staffMailsAbout(db, key, refs.ticketId, minutesAgo(staffPerTicket.minutes), staffPerTicket.count) >= staffPerTicket.count)
      held = `held back by rate limit: ${staffPerTicket.count} confirmations and forwards to ${key} about this ticket in ${staffPerTicket.minutes} minutes (an auto-responder answering them?)`;

    // Only staff get a signed address (a client with one could act as staff).
    const signed = signFor && audience === 'staff' ? replyAddress(config, { ...signFor, issued: at }) : null;
    const mail = templates.render(kind, data);
    const messageId = `${at.getTime().toString(36)}.${randomUUID().replace(/-/g, '')}@${supportDomain}`;
    const id = insertOutbox(db, {
      ...refs,
      kind,
      toAddr: to,
      recipientKey: key,
      audience,
      subject: mail.subject,
      messageId,
      inReplyTo: thread.inReplyTo,
      refs: thread.refs,
      headers: {
        ...(humanMail.has(kind)
          ? { [config.loop_header]: 'ticketd' }
          : {
              'Auto-Submitted': auto || staffAnswers.has(kind) ? 'auto-replied' : 'auto-generated',
              [config.loop_header]: 'ticketd',
              'X-Auto-Response-Suppress': 'All',
            }),
        ...(signed ? { 'Reply-To': signed } : {}),
        ...(fromName ? { [FROM_NAME_HEADER]: fromName } : {}),
      },
      text: mail.text,
      html: mail.html,
      status: held ? 'held' : 'pending',
      lastError: held,
      createdAt,
    });
    if (more.files?.length) addOutboxFiles(db, id, more.files);
    if (held)
      recordOutboxEvent(db, {
        ...refs,
        at: createdAt,
        actor: 'system',
        via: 'system',
        kind: 'mail_held',
        data: { outbox_id: id, mail: kind, to, reason: held },
      });
    return { id, messageId };
  }

  const typeOf = (t: TicketSnapshot) => typeById.get(t.typeId);

  /**
   * The client's files that go with a forward: stored ones, in order, while the total stays
   * within limits.mail_attachments_max_bytes; the rest are named in the mail (the ticket has them).
   */
  function forwardFiles(db: Db, messageId: number): { attached: number[]; omitted: { filename: string; why: string }[] } {
    const budget = config.limits.mail_attachments_max_bytes;
    const attached: number[] = [];
    const omitted: { filename: string; why: string }[] = [];
    let total = 0;
    for (const f of messageFiles(db, messageId)) {
      if (!f.path) omitted.push({ filename: cleanLine(f.filename, 120), why: `${f.size} bytes, over limits.attachment_max_bytes: not stored` });
      else if (total + f.size > budget) omitted.push({ filename: cleanLine(f.filename, 120), why: `${f.size} bytes: the mail would carry more than limits.mail_attachments_max_bytes (${budget})` });
      // Empty files cost no bytes: a client's mail of 100,000 of them must not become one
      // forward of 100,000 parts (or a list of 100,000 names) in the agent's mailbox.
      else if (attached.length >= FORWARD_FILES_MAX) omitted.push({ filename: cleanLine(f.filename, 120), why: `the mail carries at most ${FORWARD_FILES_MAX} files` });
      else {
        attached.push(f.id);
        total += f.size;
      }
    }
    if (omitted.length > FORWARD_OMITTED_SHOWN) {
      const more = omitted.length - FORWARD_OMITTED_SHOWN;
      omitted.splice(FORWARD_OMITTED_SHOWN, more, { filename: `${more} more files`, why: 'not listed here' });
    }
    return { attached, omitted };
  }

  /** The notice to a ticket's (new) assignee: on arrival, and on every (re)assignment by hand. */
  function assignmentNotice(db: Db, t: TicketSnapshot, journalId: number | null, by: { name: string; reason: string | null } | null, first?: MessageSnapshot): void {
    const assignee = t.assignee ? staffById.get(t.assignee) : undefined;
    if (!assignee) return;
    const details = ticketDetails(db, t.id);
    const type = typeOf(t);
    enqueue(db, 'assigned', assignee.email, {
      brand,
      key: t.key,
      subject: cleanSubject(t.subject),
      assigneeName: assignee.name,
      clientName: shownName(t.clientName),
      clientEmail: t.clientEmail ?? first?.authorEmail ?? '',
      organisation: details?.organisation ?? null,
      typeLabel: type?.label ?? t.typeId,
      priority: details?.priority ?? 'normal',
      summary: linkFreeSummary(first ? first.visibleText : firstMessageText(db, t.id)),
      assignedBy: by?.name ?? null,
      reason: by?.reason ?? null,
      replyByMail: !!config.reply_addresses,
    }, onTicket(t), { ticketId: t.id, journalId }, { signFor: { ticketId: t.id, staffId: assignee.id } });
  }

  return (db: Db, change: TicketChange): void => {
    switch (change.kind) {
      case 'ticket-created': {
        const { ticket: t, message: m } = change;
        const refs = { ticketId: t.id, journalId: m.journalId };
        const type = typeOf(t);
        // The assignment notice below still goes: only the answer to the sender is withheld.
        if (t.clientEmail && !change.noAutoAnswer && !change.quiet) {
          const fromClient = m.authorEmail?.toLowerCase() === t.clientEmail.toLowerCase();
          enqueue(db, 'ack', t.clientEmail, {
            brand,
            key: t.key,
            subject: cleanSubject(t.subject),
            clientName: greetingName(t.clientName),
            typeLabel: type?.client_label ?? type?.label ?? t.typeId,
            turnaround: t.typeId === config.triage_type ? null : (type?.turnaround ?? null),
          }, fromClient ? replyTo(m) : onTicket(t), refs);
        }
        assignmentNotice(db, t, m.journalId, null, m);
        return;
      }
      case 'message-appended': {
        // The client already has the key; a second acknowledgement would be noise. With signed
        // reply addresses, the assignee gets the client's words and can answer by replying.
        const { ticket: t, message: m } = change;
        const assignee = t.assignee ? staffById.get(t.assignee) : undefined;
        if (!config.reply_addresses || change.thirdParty || m.authorKind !== 'client' || !assignee) return;
        const files = forwardFiles(db, m.id);
        enqueue(db, 'forward', assignee.email, {
          brand,
          key: t.key,
          subject: cleanSubject(t.subject),
          assigneeName: assignee.name,
          clientName: shownName(m.authorName ?? t.clientName),
          clientEmail: m.authorEmail ?? t.clientEmail ?? '',
          text: m.visibleText,
          reopened: change.reopened,
          attached: files.attached.length,
          omitted: files.omitted,
        }, onTicket(t), { ticketId: t.id, journalId: m.journalId }, { signFor: { ticketId: t.id, staffId: assignee.id }, files: files.attached });
        return;
      }
      case 'status-changed': {
        const t = change.ticket;
        if (change.to !== 'closed' || change.from === 'closed' || !t.clientEmail) return;
        enqueue(db, 'closed', t.clientEmail, { brand, key: t.key, subject: cleanSubject(t.subject), clientName: greetingName(t.clientName) }, onTicket(t), {
          ticketId: t.id,
          journalId: null,
        });
        return;
      }
      case 'assigned': {
        if (!change.to) return; // to the triage queue: the leads see it in their list
        assignmentNotice(db, change.ticket, null, { name: change.by.name, reason: change.reason });
        return;
      }
      case 'sent-back': {
        const t = change.ticket;
        const worker = staffById.get(change.worker);
        if (!worker) return;
        enqueue(db, 'sent_back', worker.email, {
          brand,
          key: t.key,
          subject: cleanSubject(t.subject),
          workerName: worker.name,
          checkerName: change.by.name,
          reason: change.reason,
          typeLabel: typeOf(t)?.label ?? t.typeId,
          replyByMail: !!config.reply_addresses,
        }, onTicket(t), { ticketId: t.id, journalId: null }, { signFor: { ticketId: t.id, staffId: worker.id } });
        return;
      }
      case 'replied': {
        const t = change.ticket;
        if (!t.clientEmail || change.direct) return;
        const sent = enqueue(db, 'reply', t.clientEmail, {
          brand,
          key: t.key,
          subject: cleanSubject(t.subject),
          clientName: greetingName(t.clientName),
          text: change.text,
          staffName: cleanName(change.by.name) || brand.name,
          greets: opensWithGreeting(change.text),
          signsOff: endsWithSignOff(change.text, cleanName(change.by.name)),
        }, onTicket(t), { ticketId: t.id, journalId: null }, cleanName(change.by.name) ? { fromName: `${cleanName(change.by.name)} at ${brand.name}` } : {});
        // The stored message carries the Message-ID the client's answer will refer to.
        if (sent) linkMessageToOutbox(db, change.message.id, sent.id, sent.messageId);
        return;
      }
      case 'staff-mail-handled': {
        const { ticket: t, by, message: m } = change;
        const member = staffById.get(by.id);
        if (!member) return;
        // To their configured address, whichever alias they wrote from.
        enqueue(db, 'confirmation', member.email, {
          brand,
          key: t.key,
          subject: cleanSubject(t.subject),
          staffName: member.name,
          lines: change.lines.map((l) => ({ line: l.line, applied: l.applied, sentence: l.sentence })),
          text: change.text,
        }, replyTo(m), { ticketId: t.id, journalId: m.journalId }, { signFor: { ticketId: t.id, staffId: member.id } });
        return;
      }
      case 'staff-open-refused': {
        const { by, message: m } = change;
        const member = staffById.get(by.id);
        if (!member) return;
        enqueue(db, 'confirmation', member.email, {
          brand,
          key: null,
          subject: cleanSubject(m.subject),
          staffName: member.name,
          lines: change.lines.map((l) => ({ line: l.line, applied: l.applied, sentence: l.sentence })),
          text: change.text,
        }, replyTo(m), { ticketId: null, journalId: m.journalId });
        return;
      }
      case 'reply-address-refused': {
        const member = staffById.get(change.staffId);
        if (!member) return;
        const since = new Date(now().getTime() - REFUSED_EVERY_MS).toISOString();
        if (sentSince(db, 'reply_refused', recipientKey(member.email), since) > 0) return;
        enqueue(db, 'reply_refused', member.email, { brand, staffName: member.name, reason: change.reason }, { inReplyTo: null, refs: [] }, {
          ticketId: change.ticketId,
          journalId: change.journalId,
        });
        return;
      }
      case 'status-requested': {
        if (change.noAutoAnswer) return;
        const { sender, message: m } = change;
        const at = now();
        const tickets = openTicketsOf(db, sender.email).map((t) => ({
          key: t.key,
          subject: cleanSubject(t.subject),
          status: statusWord(t.status),
          opened: ago(t.createdAt, at),
        }));
        enqueue(db, 'status', sender.email, { brand, clientName: greetingName(sender.name), count: tickets.length, tickets }, replyTo(m), {
          ticketId: null,
          journalId: m.journalId,
        });
        return;
      }
      case 'sender-refused': {
        if (change.noAutoAnswer) return;
        // A stranger's subject and name are never repeated: the answer goes to an address
        // we cannot vouch for, so it must carry nothing its sender chose (backscatter).
        const { sender, message: m } = change;
        enqueue(db, 'unknown_sender', sender.email, { brand }, replyTo(m), {
          ticketId: null,
          journalId: m.journalId,
        });
        return;
      }
    }
  };
}

/** A scheduled mail to one staff member (src/schedule): its Message-ID is fixed by the caller. */
export interface ScheduledMail<K extends MailKind = MailKind> {
  kind: K;
  to: string;
  data: MailData[K];
  /** Derived from the schedule claim, so a second writer of the same mail hits the UNIQUE index. */
  messageId: string;
  createdAt: string;
}

/**
 * Write a scheduled staff mail as an outbox row in the caller's transaction: staff audience
 * (delivered first, outside the automatic-reply budget), auto-generated, not threaded. Like
 * the hook's mail, a row to our own address is held, never sent into a loop.
 */
export function enqueueScheduled<K extends MailKind>(db: Db, config: Config, templates: Templates, m: ScheduledMail<K>): number | null {
  if (mailboxProblem(m.to)) return null;
  const own = isOwnAddress(config.support_address, m.to);
  const held = own ? `held back: ${m.to} is our own support address (a loop in the making)` : null;
  const mail = templates.render(m.kind, m.data);
  const staff = config.staff.some((s) => recipientKey(s.email) === recipientKey(m.to));
  const id = insertOutbox(db, {
    ticketId: null,
    journalId: null,
    kind: m.kind,
    toAddr: m.to,
    recipientKey: recipientKey(m.to),
    audience: staff ? 'staff' : 'outside',
    subject: mail.subject,
    messageId: m.messageId,
    inReplyTo: null,
    refs: [],
    headers: { 'Auto-Submitted': 'auto-generated', [config.loop_header]: 'ticketd', 'X-Auto-Response-Suppress': 'All' },
    text: mail.text,
    html: mail.html,
    status: held ? 'held' : 'pending',
    lastError: held,
    createdAt: m.createdAt,
  });
  if (held)
    recordOutboxEvent(db, { ticketId: null, journalId: null, at: m.createdAt, actor: 'system', via: 'cron', kind: 'mail_held', data: { outbox_id: id, mail: m.kind, to: m.to, reason: held } });
  return id;
}
