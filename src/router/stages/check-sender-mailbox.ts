import { isMailbox } from '../addr-spec.js';
import { headerValues, withholdAnswer } from '../mail-fields.js';
import type { DescribedStage } from '../stage.js';
import type { Address, Mail } from '../types.js';

// An automatic answer goes to exactly one mailbox, or to nobody. A From (or a Reply-To, which a
// mail program would answer instead) that lists several addresses or a group, or an address that
// is not a plain addr-spec, could fan one answer out to many victims (issue 7: a 2,000-address
// From). The mail is still ticketed, for its first address; only the automatic answers go.

function problem(header: 'From' | 'Reply-To', count: number, entries: Address[], group: boolean): string | null {
  if (count > 1) return `${count} ${header} headers`;
  if (group) return `${header} uses a group`;
  if (entries.length !== 1) return `${header} holds ${entries.length} addresses`;
  const address = entries[0]!.address;
  if (!isMailbox(address)) return `${header} address ${JSON.stringify(address.slice(0, 80))} is not a valid mailbox`;
  return null;
}

function problems(mail: Readonly<Mail>): string[] {
  const { from, replyTo, groups } = mail.originators;
  const fromCount = headerValues(mail, 'from').length;
  const replyToCount = headerValues(mail, 'reply-to').length;
  const found = [problem('From', fromCount, from, groups.includes('from'))];
  if (replyToCount) found.push(problem('Reply-To', replyToCount, replyTo, groups.includes('reply-to')));
  return found.filter((p): p is string => p !== null);
}

export const checkSenderMailbox: DescribedStage = {
  name: 'check-sender-mailbox',
  description: 'no automatic answer unless From (and Reply-To, if any) is exactly one valid mailbox',
  run(mail, soFar) {
    // No From at all: identify-sender ignores the mail.
    if (!headerValues(mail, 'from').length) return null;
    const found = problems(mail);
    if (!found.length) return null;
    const reason = `not exactly one sender mailbox: ${found.join(', ')}`;
    return { patch: withholdAnswer(soFar, reason), note: reason };
  },
};
