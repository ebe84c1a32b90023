import { firstHeader } from '../mail-fields.js';
import type { DescribedStage } from '../stage.js';
import type { Mail } from '../types.js';

// Bounces answer our own outgoing mail: answering them is the classic mail loop, and ticketing
// them buries the queue. A DSN (RFC 3464) says so in its Content-Type; older MTAs only show it
// by sender and subject. Subjects are anchored at the start so a client forwarding a bounce to
// us for help ("Fwd: Undelivered Mail ...") still gets a ticket.

const BOUNCE_SENDER = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;

const BOUNCE_SUBJECT =
  /^\s*(undeliver(?:ed|able)(?: mail| message)?\b|delivery (?:status notification|failure|has failed|failed)|mail delivery (?:failed|failure|subsystem)|returned mail\b|failure notice|message not delivered|non[- ]?delivery report|unzustellbar|nicht zustellbar|non remis|onbestelbaar)/i;

function bounceReason(mail: Readonly<Mail>): string | null {
  const ct = firstHeader(mail, 'content-type') ?? '';
  if (/^multipart\/report\b/i.test(ct) && /report-type\s*=\s*"?delivery-status/i.test(ct)) return 'delivery status notification (DSN)';
  const from = mail.from?.address ?? '';
  if (BOUNCE_SENDER.test(from)) return `sent by ${from}`;
  if (/^mail delivery (subsystem|system)$/i.test(mail.from?.name ?? '')) return `sent by "${mail.from?.name}"`;
  if (BOUNCE_SUBJECT.test(mail.subject)) return `bounce subject "${mail.subject}"`;
  return null;
}

export const detectBounce: DescribedStage = {
  name: 'detect-bounce',
  description: 'ignore bounces: DSN reports, MAILER-DAEMON/postmaster senders, bounce subjects',
  run(mail) {
    const reason = bounceReason(mail);
    return reason ? { plan: { action: 'ignore', reason: `bounce: ${reason}` }, note: reason } : null;
  },
};
