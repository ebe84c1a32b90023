import { cleanText } from '../mail/clean-text.js';

// Small pure helpers that turn stored values into words a client reads.

const statusWords: Record<string, string> = {
  new: 'received, not started yet',
  open: 'in progress',
  tbc: 'done, being checked',
  closed: 'closed',
};

export const statusWord = (status: string): string => statusWords[status] ?? status;

/**
 * The client's words for a staff notice: links removed (a notice must not carry a phishing
 * link into a specialist's inbox), whitespace tidied, cut at a word boundary.
 */
export function linkFreeSummary(text: string, maxChars = 600): string {
  const cleaned = cleanText(text)
    .replace(/\b(?:https?:\/\/|www\.)[^\s<>"')\]]+/gi, '[link removed]')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (cleaned.length <= maxChars) return cleaned;
  const cut = cleaned.slice(0, maxChars);
  const space = cut.lastIndexOf(' ');
  return `${cut.slice(0, space > maxChars / 2 ? space : maxChars).trimEnd()} …`;
}
