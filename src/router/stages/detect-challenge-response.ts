import { asksSomething, CHALLENGE_HELD, CHALLENGE_HUMAN_CHECK, CHALLENGE_SELF, CHALLENGE_SUBJECT } from '../auto-phrases.js';
import { firstHeader, newTextHead, subjectHead } from '../mail-fields.js';
import { markingStage } from '../stage.js';
import type { Mail } from '../types.js';

// A challenge-response filter (BoxTrapper, Spam Arrest, Mailwasher, TMDA, Qurb-style) answers
// our acknowledgement with "confirm you are a human". Answering it would confirm us to a
// filter (or let a forger use us to whitelist themselves), and it is no request; on a ticket it
// is recorded like an auto-reply, which tells the agent why the client may not be getting mail.
// The human test alone is not enough: clients write to us about CAPTCHAs on their own site.
// TMDA names itself in X-Delivery-Agent; the others only in their words.

function challengeReason(mail: Readonly<Mail>): string | null {
  if (/^tmda\b/i.test(firstHeader(mail, 'x-delivery-agent') ?? '')) return 'challenge-response (X-Delivery-Agent: TMDA)';
  const subject = subjectHead(mail);
  const text = `${subject}\n${newTextHead(mail)}`;
  const human = CHALLENGE_HUMAN_CHECK.test(text);
  const held = CHALLENGE_HELD.test(text);
  const self = CHALLENGE_SELF.test(text);
  const asks = asksSomething(text); // a person asking us about a CAPTCHA asks; filters instruct
  if (human && held && (self || !asks)) return 'challenge-response: asks to confirm a human sender';
  if (CHALLENGE_SUBJECT.test(subject) && held && !asks) return `challenge-response subject "${mail.subject}"`;
  return null;
}

export const detectChallengeResponse = markingStage(
  'detect-challenge-response',
  'mark challenge-response mail ("confirm you are a human" spam filters); does not stop',
  challengeReason,
);
