import { firstHeader, headerValues } from '../mail-fields.js';
import type { DescribedStage } from '../stage.js';
import type { Mail } from '../types.js';

// Newsletters and mailing lists are not requests, and answering a list spams all its members.
// RFC 2919 List-Id and RFC 2369 List-Unsubscribe (which every bulk sender must now set) mark
// them; Precedence: list is the older convention.
// When the support address is itself a group or distribution list (a Google Group, a Mailman
// or Exchange list), every client's mail arrives with that list's headers: a List-Id naming our
// own address (RFC 2919 ids are the address with "@" turned into ".", e.g.
// <support.agency.example>) says so, and then the list headers are the group's, not a sender's.

/** The id inside a List-Id value: "Support <support.agency.example>" → "support.agency.example". */
function listIdOf(value: string): string {
  const open = value.lastIndexOf('<');
  const close = value.indexOf('>', open);
  return (open >= 0 && close > open ? value.slice(open + 1, close) : value).trim().toLowerCase();
}

function isOwnGroup(listId: string, supportAddress: string): boolean {
  const [local, domain] = supportAddress.toLowerCase().split('@') as [string, string];
  const id = listIdOf(listId);
  return id === `${local}.${domain}` || id === `${local}@${domain}`;
}

function listReason(mail: Readonly<Mail>, supportAddress: string): string | null {
  // A list relayed through our group has two List-Ids; only a foreign one makes it list mail.
  const listIds = headerValues(mail, 'list-id');
  const foreign = listIds.find((id) => !isOwnGroup(id, supportAddress));
  if (foreign !== undefined) return `List-Id ${foreign}`;
  if (listIds.length) return null; // our group: its List-Unsubscribe and Precedence are the group's
  if (firstHeader(mail, 'list-unsubscribe') !== undefined) return 'List-Unsubscribe header';
  for (const name of ['precedence', 'x-precedence']) {
    if (/^list$/i.test(firstHeader(mail, name) ?? '')) return `${name}: list`;
  }
  if (firstHeader(mail, 'x-mailing-list') !== undefined) return 'X-Mailing-List header';
  return null;
}

export const detectListMail: DescribedStage = {
  name: 'detect-list-mail',
  description: "ignore list mail and newsletters: List-Id, List-Unsubscribe, Precedence: list (not our own group's List-Id)",
  run(mail, _soFar, { config }) {
    const reason = listReason(mail, config.support_address);
    return reason ? { plan: { action: 'ignore', reason: `list mail: ${reason}` }, note: reason } : null;
  },
};
