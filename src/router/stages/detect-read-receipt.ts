import { RECEIPT_BODY, RECEIPT_SUBJECT } from '../auto-phrases.js';
import { reportType, hasPart } from '../content-type.js';
import { isForwardSubject, newTextHead, subjectHead } from '../mail-fields.js';
import { markingStage } from '../stage.js';
import type { Mail } from '../types.js';

// Read and delivery receipts are machine answers to a mail we sent: never answered, never a
// ticket, but recorded on their ticket like any auto-reply (so it only marks the decision).
// Forms: an MDN (RFC 8098) as multipart/report with report-type=disposition-notification, in
// any case, quoting and parameter order; a message/disposition-notification part inside some
// other multipart (some clients wrap it); and the plain-text receipts of Outlook and Lotus
// Notes, which need the subject prefix and the body sentence to agree.

function receiptReason(mail: Readonly<Mail>): string | null {
  if (reportType(mail) === 'disposition-notification') return 'read receipt (MDN)';
  // A forwarded receipt is a person asking about it; only the top level speaks for the mail.
  if (isForwardSubject(mail.subject)) return null;
  if (hasPart(mail, 'message/disposition-notification')) return 'read receipt (disposition-notification part)';
  if (RECEIPT_SUBJECT.test(subjectHead(mail)) && RECEIPT_BODY.test(newTextHead(mail))) return `receipt subject "${mail.subject}" and text`;
  return null;
}

export const detectReadReceipt = markingStage(
  'detect-read-receipt',
  'mark read and delivery receipts (MDN reports and parts, plain-text receipts); does not stop',
  receiptReason,
);
