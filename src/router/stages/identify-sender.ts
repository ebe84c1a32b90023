import { domainOf, inDomain } from '../mail-fields.js';
import type { DescribedStage } from '../stage.js';
import type { Sender } from '../types.js';

// Who wrote: staff (by configured address), client (listed organisation domain, or someone we
// have had mail from before), or unknown. From identifies the sender, not Reply-To: Reply-To
// only says where answers should go, and anyone can set it to a staff or client address, so
// trusting it would let a stranger pass as staff. (From is forgeable too: verify-staff, next,
// keeps a staff sender only with proof; see DESIGN.md invariant 4.)

export const identifySender: DescribedStage = {
  name: 'identify-sender',
  description: 'identify the From address as staff, client (organisation domain or known) or unknown',
  run(mail, _soFar, { config, lookup }) {
    if (!mail.from) {
      return { plan: { action: 'ignore', reason: 'no From address: nobody to answer' }, note: 'no From' };
    }
    const email = mail.from.address;
    const name = mail.from.name;
    const staff = config.staff.find((s) => s.email.toLowerCase() === email);
    let sender: Sender;
    if (staff) {
      sender = { kind: 'staff', email, name: name || staff.name, staffId: staff.id };
    } else {
      const domain = domainOf(email);
      const org = config.clients.organisations.find((o) => o.domains.some((d) => inDomain(domain, d)));
      if (org) sender = { kind: 'client', email, name, organisation: org.name };
      else if (lookup.isKnownClient(email)) sender = { kind: 'client', email, name };
      else sender = { kind: 'unknown', email, name };
    }
    const detail = sender.staffId ?? sender.organisation ?? (sender.kind === 'client' ? 'known client' : 'first contact');
    return { patch: { sender }, note: `${sender.kind} ${email} (${detail})` };
  },
};
