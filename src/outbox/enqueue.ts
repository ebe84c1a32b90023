import { randomUUID } from 'node:crypto';
import type { Config } from '../config/schema.js';
import type { ChangeHook, MessageSnapshot, TicketChange, TicketSnapshot } from '../service/changes.js';
import type { Db } from '../store/db.js';
import { openTicketsOf, ticketDetails } from '../store/client-tickets.js';
import { autoRepliesTo, insertOutbox, nextGlobalSlot, recordOutboxEvent } from '../store/outbox.js';
import { capReferences, cleanName, cleanSubject } from '../mail/clean-text.js';
import { ageWords, linkFreeSummary, statusWord } from '../templates/format.js';
import { brandOf, type Templates } from '../templates/load.js';
import type { MailData, MailKind } from '../templates/mail-data.js';

// The ChangeHook that turns a change into outbox rows, inside the change's transaction.
// Everything that makes a mail "the same mail" on retry (Message-ID, threading, text) is
// fixed here; delivery only copies it to SMTP.

/** Replies to a message someone sent (RFC 3834 "auto-replied"); limited per recipient. */
const autoReplies: ReadonlySet<MailKind> = new Set(['ack', 'status', 'unknown_sender']);

interface Thread {
  inReplyTo: string | null;
  refs: string[];
}

/** Reply to a message: In-Reply-To it, References = its References + it (capped: rows stored before parse capped them). */
const replyTo = (m: MessageSnapshot): Thread =>
  m.messageId ? { inReplyTo: m.messageId, refs: capReferences([...m.references.filter((r) => r !== m.messageId), m.messageId]) } : { inReplyTo: null, refs: [] };

// Names and subjects are cleaned at parse; again here for rows stored before that. A name we
// would not print (line breaks, links, too long) gives a neutral greeting.
const greetingName = (name: string | null | undefined): string | null => cleanName(name ?? '') || null;

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
  const { per_recipient: perRecipient, global } = config.rate_limits;
  // support@ and support+seo@: mail to ourselves would come straight back in.
  const [supportLocal, supportDomain] = config.support_address.toLowerCase().split('@') as [string, string];
  const isOwnAddress = (addr: string): boolean => {
    const [local = '', dom = ''] = addr.toLowerCase().split('@');
    return dom === supportDomain && local.split('+')[0] === supportLocal;
  };

  function enqueue<K extends MailKind>(
    db: Db,
    kind: K,
    to: string,
    data: MailData[K],
    thread: Thread,
    refs: { ticketId: number | null; journalId: number | null },
  ): void {
    const at = now();
    const createdAt = at.toISOString();
    const auto = autoReplies.has(kind);
    const minutesAgo = (m: number) => new Date(at.getTime() - m * 60_000).toISOString();
    // Loop protection (our own address, the per-recipient limit) holds a row with an event:
    // visible, releasable by hand, never lost. The global limit only delays: the row stays
    // pending, due when its window frees, so no ack or notice waits for a person.
    let held: string | null = null;
    let dueAt = createdAt;
    let deferred: string | null = null;
    if (isOwnAddress(to)) held = `held back: ${to} is our own support address (a loop in the making)`;
    else if (auto && autoRepliesTo(db, to, minutesAgo(perRecipient.minutes), perRecipient.count) >= perRecipient.count)
      held = `held back by rate limit: ${perRecipient.count} automatic replies to ${to} in ${perRecipient.minutes} minutes`;
    else {
      dueAt = nextGlobalSlot(db, global.count, global.minutes, at);
      if (dueAt > createdAt) deferred = `deferred by the global rate limit (${global.count} mails in ${global.minutes} minutes) until ${dueAt}`;
    }

    const mail = templates.render(kind, data);
    const messageId = `${at.getTime().toString(36)}.${randomUUID().replace(/-/g, '')}@${supportDomain}`;
    const id = insertOutbox(db, {
      ...refs,
      kind,
      toAddr: to,
      subject: mail.subject,
      messageId,
      inReplyTo: thread.inReplyTo,
      refs: thread.refs,
      headers: {
        'Auto-Submitted': auto ? 'auto-replied' : 'auto-generated',
        [config.loop_header]: 'ticketd',
        'X-Auto-Response-Suppress': 'All',
      },
      text: mail.text,
      html: mail.html,
      status: held ? 'held' : 'pending',
      lastError: held ?? deferred,
      createdAt,
      dueAt,
    });
    if (held || deferred)
      recordOutboxEvent(db, {
        ...refs,
        at: createdAt,
        actor: 'system',
        via: 'system',
        kind: held ? 'mail_held' : 'mail_deferred',
        data: { outbox_id: id, mail: kind, to, reason: held ?? deferred, ...(deferred ? { until: dueAt } : {}) },
      });
  }

  const typeOf = (t: TicketSnapshot) => typeById.get(t.typeId);

  return (db: Db, change: TicketChange): void => {
    switch (change.kind) {
      case 'ticket-created': {
        const { ticket: t, message: m } = change;
        const refs = { ticketId: t.id, journalId: m.journalId };
        const type = typeOf(t);
        if (t.clientEmail) {
          const fromClient = m.authorEmail?.toLowerCase() === t.clientEmail.toLowerCase();
          enqueue(db, 'ack', t.clientEmail, {
            brand,
            key: t.key,
            subject: cleanSubject(t.subject),
            clientName: greetingName(t.clientName),
            typeLabel: type?.label ?? t.typeId,
            turnaround: type?.turnaround ?? '2 business days',
          }, fromClient ? replyTo(m) : onTicket(t), refs);
        }
        const assignee = t.assignee ? staffById.get(t.assignee) : undefined;
        const details = ticketDetails(db, t.id);
        if (assignee)
          enqueue(db, 'assigned', assignee.email, {
            brand,
            key: t.key,
            subject: cleanSubject(t.subject),
            assigneeName: assignee.name,
            clientName: greetingName(t.clientName),
            clientEmail: t.clientEmail ?? m.authorEmail ?? '',
            organisation: details?.organisation ?? null,
            typeLabel: type?.label ?? t.typeId,
            priority: details?.priority ?? 'normal',
            summary: linkFreeSummary(m.visibleText),
          }, onTicket(t), refs);
        return;
      }
      case 'message-appended':
        // The client already has the key; a second acknowledgement would be noise.
        return;
      case 'status-changed': {
        const t = change.ticket;
        if (change.to !== 'closed' || change.from === 'closed' || !t.clientEmail) return;
        enqueue(db, 'closed', t.clientEmail, { brand, key: t.key, subject: cleanSubject(t.subject), clientName: greetingName(t.clientName) }, onTicket(t), {
          ticketId: t.id,
          journalId: null,
        });
        return;
      }
      case 'status-requested': {
        const { sender, message: m } = change;
        const at = now();
        const tickets = openTicketsOf(db, sender.email).map((t) => ({
          key: t.key,
          subject: cleanSubject(t.subject),
          status: statusWord(t.status),
          age: ageWords(t.createdAt, at),
        }));
        enqueue(db, 'status', sender.email, { brand, clientName: greetingName(sender.name), count: tickets.length, tickets }, replyTo(m), {
          ticketId: null,
          journalId: m.journalId,
        });
        return;
      }
      case 'sender-refused': {
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
