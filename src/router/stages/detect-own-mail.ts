import { bareAddress, firstHeader, withoutPlusTag } from '../mail-fields.js';
import type { DescribedStage } from '../stage.js';

// Our own mail coming back (a forwarding rule, a client's autoresponder quoting us in full, a
// misconfigured alias) must never open a ticket or get an answer: that is how loops start.
// Three independent marks, any one is enough.

export const detectOwnMail: DescribedStage = {
  name: 'detect-own-mail',
  description: 'ignore our own mail coming back: loop header, From our support address, or a Message-ID we sent',
  run(mail, _soFar, { config, lookup }) {
    const loop = firstHeader(mail, config.loop_header);
    if (loop !== undefined) {
      return { plan: { action: 'ignore', reason: `own mail (loop): ${config.loop_header} header present` }, note: `${config.loop_header}: ${loop}` };
    }
    const from = mail.from ? withoutPlusTag(mail.from.address) : '';
    // Plus tags are ours too (support+seo@, and the signed staff reply addresses).
    const ours = new Set([withoutPlusTag(config.support_address)]);
    if (config.smtp) ours.add(withoutPlusTag(bareAddress(config.smtp.from)));
    if (from && ours.has(from)) {
      return { plan: { action: 'ignore', reason: `own mail (loop): From is our address ${from}` }, note: 'From is ours' };
    }
    if (mail.messageId && lookup.isOwnMessageId(mail.messageId)) {
      return { plan: { action: 'ignore', reason: `own mail (loop): Message-ID ${mail.messageId} was sent by us` }, note: 'Message-ID is ours' };
    }
    return null;
  },
};
