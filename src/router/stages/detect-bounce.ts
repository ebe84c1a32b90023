import { asksSomething, BOUNCE_SUBJECT, BOUNCE_SUBJECT_WORDS, BOUNCE_TEXT, SYSTEM_SENDER_LOCAL, SYSTEM_SENDER_NAME } from '../auto-phrases.js';
import { hasPart, reportType } from '../content-type.js';
import { isForwardSubject, subjectHead, textHead } from '../mail-fields.js';
import type { DescribedStage } from '../stage.js';
import type { Mail } from '../types.js';

// Bounces answer our own outgoing mail: answering them is the classic mail loop, and ticketing
// them buries the queue. A DSN (RFC 3464) says so in its Content-Type (any case, quoting or
// parameter order) or in a delivery-status part; older MTAs (qmail, Exim, Sendmail, Lotus
// Notes, GroupWise...) only in a sender, a subject and their first lines of free text. Subjects
// are anchored at the start, and the free text counts only with a system sender or a bounce-like
// subject, so a client forwarding a bounce to us for help ("Fwd: Undelivered Mail ...", their
// own words on top) still gets a ticket.

const OPENING_CHARS = 300; // about the first three lines
const REPLY_MARKER = /^\s*(?:re|aw|sv|vs|antw|odp|r|rif|res)\s*:/i;

function structuredReason(mail: Readonly<Mail>): string | null {
  const report = reportType(mail);
  if (report === 'delivery-status' || report === 'global-delivery-status') return 'delivery status notification (DSN)';
  if (!isForwardSubject(mail.subject) && (hasPart(mail, 'message/delivery-status') || hasPart(mail, 'message/global-delivery-status'))) {
    return 'delivery-status part';
  }
  return null;
}

function systemSender(mail: Readonly<Mail>): string | null {
  if (!mail.from) return 'no sender';
  if (SYSTEM_SENDER_LOCAL.test(mail.from.address)) return mail.from.address;
  if (SYSTEM_SENDER_NAME.test(mail.from.name)) return `"${mail.from.name}"`;
  return null;
}

function bounceReason(mail: Readonly<Mail>): string | null {
  const structured = structuredReason(mail);
  if (structured) return structured;
  const from = mail.from?.address ?? '';
  if (/^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i.test(from)) return `sent by ${from}`;
  if (/^mail delivery (subsystem|system)$/i.test(mail.from?.name ?? '')) return `sent by "${mail.from?.name}"`;
  const subject = subjectHead(mail);
  if (BOUNCE_SUBJECT.test(subject)) return `bounce subject "${mail.subject}"`;
  if (isForwardSubject(subject)) return null;
  const text = textHead(mail);
  const sender = systemSender(mail);
  if (sender) return BOUNCE_TEXT.test(text) ? `bounce text from ${sender}` : null;
  // From a person's address the words must open the mail, under a machine-like subject that
  // is no reply, and ask nothing: a client quoting a bounce to ask about it writes first.
  const opening = text.slice(0, OPENING_CHARS);
  if (REPLY_MARKER.test(subject) || asksSomething(opening) || !BOUNCE_TEXT.test(opening)) return null;
  if (!subject.trim() || BOUNCE_SUBJECT_WORDS.test(subject)) return `bounce text under subject "${mail.subject}"`;
  return null;
}

export const detectBounce: DescribedStage = {
  name: 'detect-bounce',
  description: 'ignore bounces: DSN reports and parts, MAILER-DAEMON/postmaster senders, bounce subjects, free-text bounces of older MTAs',
  run(mail) {
    const reason = bounceReason(mail);
    return reason ? { plan: { action: 'ignore', reason: `bounce: ${reason}` }, note: reason } : null;
  },
};
