import { describe, expect, it } from 'vitest';
import { detectBounce } from '../../../src/router/stages/detect-bounce.js';
import { mailOf, runStage } from '../../support/router.js';

describe('detect-bounce', () => {
  it.each([
    [{ 'Content-Type': 'multipart/report; report-type=delivery-status; boundary="b"' }, 'bounce: delivery status notification (DSN)'],
    [{ From: 'MAILER-DAEMON@mx.casalopez-tapas.example' }, 'bounce: sent by mailer-daemon@mx.casalopez-tapas.example'],
    [{ From: 'postmaster@outlook.example' }, 'bounce: sent by postmaster@outlook.example'],
    [{ From: 'Mail Delivery Subsystem <mailer@googlemail.example>' }, 'bounce: sent by "Mail Delivery Subsystem"'],
    [{ Subject: 'Undelivered Mail Returned to Sender' }, 'bounce: bounce subject "Undelivered Mail Returned to Sender"'],
    [{ Subject: 'Undeliverable: [REF-1042] Refund' }, 'bounce: bounce subject "Undeliverable: [REF-1042] Refund"'],
    [{ Subject: 'Delivery Status Notification (Failure)' }, 'bounce: bounce subject "Delivery Status Notification (Failure)"'],
  ])('ignores %j', async (headers, reason) => {
    const r = runStage(detectBounce, await mailOf(headers));
    expect(r && 'plan' in r ? r.plan : null).toEqual({ action: 'ignore', reason });
  });

  it.each([
    [{ Subject: 'Fwd: Undelivered Mail Returned to Sender' }], // a client asking for help with it
    [{ Subject: 'Our newsletter keeps bouncing' }],
    [{ 'Content-Type': 'multipart/report; report-type=disposition-notification; boundary="b"' }],
  ])('leaves %j alone', async (headers) => {
    expect(runStage(detectBounce, await mailOf(headers))).toBeNull();
  });
});
