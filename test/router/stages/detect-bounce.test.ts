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
    [{ Subject: 'Mail delivery failed: returning message to sender' }, 'bounce: bounce subject "Mail delivery failed: returning message to sender"'],
    [{ Subject: 'Returned mail: see transcript for details' }, 'bounce: bounce subject "Returned mail: see transcript for details"'],
    [{ Subject: 'failure notice' }, 'bounce: bounce subject "failure notice"'],
    [{ Subject: 'DELIVERY FAILURE: User maria not listed' }, 'bounce: bounce subject "DELIVERY FAILURE: User maria not listed"'],
    [{ Subject: 'Unzustellbar: Speisekarte' }, 'bounce: bounce subject "Unzustellbar: Speisekarte"'],
    [{ Subject: 'Non remis : Menu' }, 'bounce: bounce subject "Non remis : Menu"'],
    [{ Subject: 'Olevererbart: Hemsida' }, 'bounce: bounce subject "Olevererbart: Hemsida"'],
    [{ Subject: 'Undeliverable' }, 'bounce: bounce subject "Undeliverable"'],
  ])('ignores %j', async (headers, reason) => {
    const r = runStage(detectBounce, await mailOf(headers));
    expect(r && 'plan' in r ? r.plan : null).toEqual({ action: 'ignore', reason });
  });

  it.each([
    [{ Subject: 'Fwd: Undelivered Mail Returned to Sender' }], // a client asking for help with it
    [{ Subject: 'Our newsletter keeps bouncing' }],
    [{ Subject: 'Delivery failed for order 5512' }], // a shop's parcel
    [{ Subject: 'Undelivered mails from our contact form' }],
    [{ Subject: 'Failure notices keep arriving from our newsletter tool' }],
    [{ 'Content-Type': 'multipart/report; report-type=disposition-notification; boundary="b"' }],
  ])('leaves %j alone', async (headers) => {
    expect(runStage(detectBounce, await mailOf(headers))).toBeNull();
  });

  it.each([
    'Multipart/Report; Report-Type="Delivery-Status"; boundary=b',
    'multipart/report; boundary="b"; report-type=delivery-status',
    'multipart/report;\r\n\tboundary="b";\r\n\treport-type="delivery-status"',
  ])('reads a DSN Content-Type in any spelling: %s', async (ct) => {
    const r = runStage(detectBounce, await mailOf({ 'Content-Type': ct }));
    expect(r && 'plan' in r ? r.plan : null).toEqual({ action: 'ignore', reason: 'bounce: delivery status notification (DSN)' });
  });

  // Older MTAs: no DSN part, a sender that is not mailer-daemon, only their words.
  it.each([
    [{ From: 'qmail-send <bounces@mx.example>', Subject: 'failure notice' }, "Hi. This is the qmail-send program at mx.example.\nI'm afraid I wasn't able to deliver your message to the following addresses."],
    [{ From: 'root@mail.smilebright-dental.example', Subject: 'Re: [REF-1042] Refund' }, 'This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its recipients.'],
    [{ From: 'Domino Server <notes@casalopez-tapas.example>', Subject: 'DELIVERY FAILURE: User maria not listed in public address book' }, 'Your message\n\n  Subject: [REF-1042] Refund\n\nwas not delivered to:\n\n  maria@casalopez-tapas.example'],
    [{ From: 'Mail Administrator <admin@oldhost.example>', Subject: 'Returned message' }, '----- The following addresses had permanent fatal errors -----\n<grace@harborview-flowers.example>'],
    [{ From: 'System Administrator <sysadmin@okafor-chiro.example>', Subject: 'Nicht zustellbar' }, 'Ihre Nachricht konnte nicht zugestellt werden.'],
    [{ From: 'gw@groupwise.example', Subject: 'Message status - undeliverable' }, 'The message that you sent was not delivered to the following recipients: 550 5.1.1 mailbox unavailable'],
  ])('recognises the free-text bounce %j', async (headers, body) => {
    const r = runStage(detectBounce, await mailOf(headers, body));
    expect(r && 'plan' in r ? r.plan.action : null).toBe('ignore');
  });

  it.each([
    // a client forwarding a bounce for help: their words on top, "Fwd:" in front
    [{ Subject: 'Fwd: Undelivered Mail Returned to Sender' }, "Hi, our newsletter to this client bounced, can you look?\n\n---------- Forwarded message ---------\nThis is the mail system at host mx.example.\n\nI'm sorry to have to inform you that your message could not be delivered."],
    [{ Subject: 'Fwd: failure notice', From: 'Maria <maria@casalopez-tapas.example>' }, "Hi. This is the qmail-send program at mx.example.\nI'm afraid I wasn't able to deliver your message to the following addresses."],
    // a client pasting bounce words into their own mail
    [{ Subject: 'Emails to our caterer fail' }, 'When we write to the caterer we get "This message was created automatically by mail delivery software". Can you help?'],
    [{ Subject: 'Undelivered mails to our customers' }, 'Hi, our mails bounce with: This message was created automatically by mail delivery software. Can you help?'],
    [{ Subject: 'Mails to customers undeliverable' }, 'Hi, our mails bounce with: This message was created automatically by mail delivery software. Can you help?'],
    [{ Subject: 'Re: Undelivered Mail Returned to Sender' }, "Thanks, we fixed the address.\n\n> This is the mail system at host mx.example.\n> I'm sorry to have to inform you that your message could not be delivered."],
    // a web shop's shipping problems are not mail bounces
    [{ Subject: 'Zustellung fehlgeschlagen im Webshop' }, 'Das Paket konnte nicht zugestellt werden, der Shop zeigt aber "versendet". Bitte prüfen.'],
    [{ Subject: 'Delivery problem with our shop' }, 'Customers see a delivery failure at checkout, permanent error 5 on the payment page.'],
    [{ Subject: 'Pakker kunne ikke leveres' }, 'Hej, pakken kunne ikke leveres til kunden, kan I rette adressefeltet i butikken.'],
  ])('keeps the client mail %j', async (headers, body) => {
    expect(runStage(detectBounce, await mailOf(headers, body))).toBeNull();
  });
});
