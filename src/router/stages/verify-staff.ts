import { withholdAnswer } from '../mail-fields.js';
import type { DescribedStage } from '../stage.js';
import type { Decision } from '../types.js';

// Staff are who they prove to be (DESIGN.md invariant 4): a From with a staff address proves
// nothing, anyone can write it. The proof today is a DMARC pass (per mail_auth.require) in our
// own server's Authentication-Results; the signed reply address (check-reply-address, before
// this stage) is the second. Without proof the mail is handled as from an
// unknown sender: it opens no staff-checked ticket and clears no blue flag; and it gets no
// automatic answer, since the staff member probably did not write it.

/** The proof a staff From has, or null. */
function proof(soFar: Readonly<Decision>): string | null {
  // check-reply-address plans verified signed replies itself; this keeps the proof whole if
  // a later change lets such mail go on.
  if (soFar.signedReply && soFar.signedReply.staffId === soFar.sender?.staffId) return 'signed reply address';
  const a = soFar.authentication;
  return a?.passed ? `${a.detail} (${a.authservId})` : null;
}

export const verifyStaff: DescribedStage = {
  name: 'verify-staff',
  description: 'trust a staff From only with proof (DMARC pass from our server); otherwise treat it as an unknown sender',
  run(mail, soFar) {
    const sender = soFar.sender;
    if (sender?.kind !== 'staff' || !sender.staffId) return null;
    const shown = proof(soFar);
    if (shown) return { patch: {}, note: `staff ${sender.staffId} verified: ${shown}` };
    const reason = soFar.authentication
      ? `not authenticated: ${soFar.authentication.detail}`
      : 'no trusted Authentication-Results configured (mail_auth.trusted_authserv_ids)';
    return {
      patch: {
        sender: { kind: 'unknown', email: sender.email, name: mail.from?.name ?? '' },
        unverifiedStaff: { staffId: sender.staffId, reason },
        ...withholdAnswer(soFar, `unverified staff address ${sender.email}`),
      },
      note: `unverified staff address ${sender.email} (${sender.staffId}): ${reason}; handled as an unknown sender`,
    };
  },
};
