import { senderOf } from '../mail-fields.js';
import type { DescribedStage } from '../stage.js';

// A client who writes just "status" (subject, or the first line of the new text) wants a list
// of their open tickets, not a new ticket (issue 3). The whole trimmed line must be one of the
// configured words, optionally with "?", so "Status of my refund" still opens a ticket.
// Staff are excluded (their mail is work, not a question), and so are unknown senders when
// clients.allow is "known": refuse-unknown-sender answers them instead.

const bare = (s: string) => s.trim().replace(/\s*\?+$/, '').trim().toLowerCase();

function isStatusWord(line: string, words: readonly string[]): boolean {
  const l = bare(line);
  return l.length > 0 && words.some((w) => bare(w) === l);
}

export const detectStatusRequest: DescribedStage = {
  name: 'detect-status-request',
  description: 'answer a client whose subject or first line is a status word with their open tickets',
  run(mail, soFar, { config }) {
    const sender = senderOf(mail, soFar);
    const asks = sender.kind === 'client' || (sender.kind === 'unknown' && config.clients.allow === 'any');
    if (!asks) return null;
    const words = config.status_request.words;
    const firstLine = mail.visibleText.split('\n').find((l) => l.trim() !== '') ?? '';
    const where = isStatusWord(mail.subject, words) ? 'subject' : isStatusWord(firstLine, words) ? 'first line' : null;
    if (!where) return null;
    return { plan: { action: 'status-request', sender }, note: `status word in the ${where}` };
  },
};
