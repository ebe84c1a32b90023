import { domainOf, inDomain, senderOf } from '../mail-fields.js';
import type { DescribedStage } from '../stage.js';
import type { Decision, Sender, StageContext, TicketRef } from '../types.js';

// A threaded mail is appended to its ticket. From the ticket's client, a colleague in the
// client's organisation (clients.organisations) or verified staff, it is a message that counts
// (it reopens, sets or clears the blue flag). From anyone else, it is kept as a third party's:
// a "Re: [KEY]" costs nothing to write, so a stranger must not reopen a ticket, flag it for the
// team, or become a known client by guessing a key. Nor may a From our server saw fail DMARC.

function organisationOf(email: string, ctx: StageContext): string | null {
  const domain = domainOf(email);
  return ctx.config.clients.organisations.find((o) => o.domains.some((d) => inDomain(domain, d)))?.name ?? null;
}

/** Why the sender is a third party on this ticket, or null when they belong to it. */
function thirdParty(ticket: TicketRef, sender: Sender, soFar: Readonly<Decision>, ctx: StageContext): string | null {
  if (sender.kind === 'staff') return null; // verify-staff turned unproven staff into unknown senders
  // The client's own address is no proof once our server saw its domain's DMARC fail.
  if (soFar.authentication?.failed) return `${sender.email} is forged (${soFar.authentication.detail} at ${soFar.authentication.authservId})`;
  const client = ticket.clientEmail?.toLowerCase() ?? null;
  if (client && sender.email === client) return null;
  const org = client ? organisationOf(client, ctx) : null;
  if (org && organisationOf(sender.email, ctx) === org) return null;
  return `${sender.email} is not ${ticket.key}'s client${client ? ` (${client})` : ''}, of its organisation, or verified staff`;
}

export const appendToThread: DescribedStage = {
  name: 'append-to-thread',
  description: "append a threaded mail to its ticket; from anyone but its client, the client's organisation or verified staff, as a third party's",
  run(mail, soFar, ctx) {
    const ticket = soFar.ticket;
    if (!ticket) return null;
    const sender = senderOf(mail, soFar);
    const why = thirdParty(ticket, sender, soFar, ctx);
    if (!why) return { plan: { action: 'append', ticket, sender }, note: `${sender.kind} on ${ticket.key}` };
    return { plan: { action: 'append', ticket, sender, thirdParty: why }, note: `third party: ${why}` };
  },
};
