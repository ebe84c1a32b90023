import { hasPart, reportType } from '../content-type.js';
import { isForwardSubject } from '../mail-fields.js';
import type { DescribedStage } from '../stage.js';
import type { Mail } from '../types.js';

// Feedback reports (ARF, RFC 5965) are a mailbox provider or an abuse desk telling us a
// recipient marked our mail as spam. They are about our mail, not a client's request, and
// answering one acknowledges an abuse desk. The report says what it is in its Content-Type
// (multipart/report; report-type=feedback-report, in any case, quoting or parameter order);
// hand-made abuse reports wrap a message/feedback-report part in multipart/mixed instead.
// A person forwarding one to us ("Fwd:") is asking about it and keeps their ticket.

function feedbackReason(mail: Readonly<Mail>): string | null {
  if (reportType(mail) === 'feedback-report') return 'feedback report (ARF)';
  if (!isForwardSubject(mail.subject) && hasPart(mail, 'message/feedback-report')) return 'abuse report with a feedback-report part';
  return null;
}

export const detectFeedbackReport: DescribedStage = {
  name: 'detect-feedback-report',
  description: 'ignore spam complaints and abuse reports (ARF feedback reports, RFC 5965)',
  run(mail) {
    const reason = feedbackReason(mail);
    return reason ? { plan: { action: 'ignore', reason }, note: reason } : null;
  },
};
