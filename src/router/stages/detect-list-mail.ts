import { firstHeader } from '../mail-fields.js';
import type { DescribedStage } from '../stage.js';
import type { Mail } from '../types.js';

// Newsletters and mailing lists are not requests, and answering a list spams all its members.
// RFC 2919 List-Id and RFC 2369 List-Unsubscribe (which every bulk sender must now set) mark
// them; Precedence: list is the older convention.
// Caveat: if the support address is itself a list or a Google Group, every mail carries List-Id;
// deliver to the mailbox directly instead.

function listReason(mail: Readonly<Mail>): string | null {
  const listId = firstHeader(mail, 'list-id');
  if (listId !== undefined) return `List-Id ${listId}`;
  if (firstHeader(mail, 'list-unsubscribe') !== undefined) return 'List-Unsubscribe header';
  for (const name of ['precedence', 'x-precedence']) {
    if (/^list$/i.test(firstHeader(mail, name) ?? '')) return `${name}: list`;
  }
  if (firstHeader(mail, 'x-mailing-list') !== undefined) return 'X-Mailing-List header';
  return null;
}

export const detectListMail: DescribedStage = {
  name: 'detect-list-mail',
  description: 'ignore list mail and newsletters: List-Id, List-Unsubscribe, Precedence: list',
  run(mail) {
    const reason = listReason(mail);
    return reason ? { plan: { action: 'ignore', reason: `list mail: ${reason}` }, note: reason } : null;
  },
};
