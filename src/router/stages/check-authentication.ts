import { judgeAuthentication } from '../authentication.js';
import { withholdAnswer } from '../mail-fields.js';
import type { DescribedStage } from '../stage.js';

// No backscatter: with our receiving server's authserv-id configured, an automatic answer goes
// only to a From whose domain passed DMARC there (or aligned SPF/DKIM, per mail_auth.require);
// anyone else may have forged the From. verify-staff reads the same verdict. Without a trusted
// id nothing is checked (check-config warns): answers go out as before.

export const checkAuthentication: DescribedStage = {
  name: 'check-authentication',
  description: "read our receiving server's Authentication-Results; no automatic answer unless the From domain passed",
  run(mail, soFar, { config }) {
    const authentication = judgeAuthentication(mail, config.mail_auth);
    if (!authentication) return null;
    const from = authentication.authservId ? ` (${authentication.authservId})` : '';
    if (authentication.passed) return { patch: { authentication }, note: `authenticated${from}: ${authentication.detail}` };
    const reason = `sender not authenticated${from}: ${authentication.detail}`;
    return { patch: { authentication, ...withholdAnswer(soFar, reason) }, note: reason };
  },
};
