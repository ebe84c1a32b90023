import { withholdAnswer, withoutPlusTag } from '../mail-fields.js';
import type { DescribedStage } from '../stage.js';

// RFC 3834 §2: answer automatically only mail addressed to us. Mail that reached the mailbox
// without naming the support address (any "+" form) in To, Cc, Delivered-To or X-Original-To
// came by Bcc to someone else, a forward, or a spammer's list: ticket it, answer nothing.

export const checkAddressedToUs: DescribedStage = {
  name: 'check-addressed-to-us',
  description: 'no automatic answer unless the support address is among To, Cc, Delivered-To, X-Original-To',
  run(mail, soFar, { config }) {
    const ours = withoutPlusTag(config.support_address);
    if (mail.recipients.some((r) => withoutPlusTag(r) === ours)) return null;
    const reason = `not addressed to ${config.support_address} (To, Cc, Delivered-To, X-Original-To)`;
    return { patch: withholdAnswer(soFar, reason), note: reason };
  },
};
