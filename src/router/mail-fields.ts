import type { Decision, Mail, Sender } from './types.js';

// Small pure readers over a parsed Mail shared by several stages.

/** Every value of a header (name case-insensitive), trimmed. */
export function headerValues(mail: Readonly<Mail>, name: string): string[] {
  return (mail.headers[name.toLowerCase()] ?? []).map((v) => v.trim());
}

export function firstHeader(mail: Readonly<Mail>, name: string): string | undefined {
  return headerValues(mail, name)[0];
}

/** The part after the last "@", lowercased; "" when there is none. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase().replace(/>$/, '');
}

/** True when `domain` is `parent` or one of its subdomains. */
export function inDomain(domain: string, parent: string): boolean {
  const p = parent.toLowerCase().replace(/^@/, '');
  return domain === p || domain.endsWith(`.${p}`);
}

/** "support+seo@x.example" → "support@x.example": plus tags route, they do not identify. */
export function withoutPlusTag(address: string): string {
  // indexOf, not /\+[^@]*@/: that rescans to the end from every "+" of a hostile address.
  const a = address.toLowerCase();
  const plus = a.indexOf('+');
  const at = plus < 0 ? -1 : a.indexOf('@', plus);
  return at < 0 ? a : a.slice(0, plus) + a.slice(at);
}

/** The bare address out of "Name <addr>" or "addr". */
export function bareAddress(value: string): string {
  const m = /<([^<>]+)>/.exec(value);
  return (m ? m[1]! : value).trim().toLowerCase();
}

/** The sender as identified, or the From address as an unknown sender before identification. */
export function senderOf(mail: Readonly<Mail>, soFar: Readonly<Decision>): Sender {
  return soFar.sender ?? { kind: 'unknown', email: mail.from?.address ?? '', name: mail.from?.name ?? '' };
}

/**
 * Forward markers (Fwd/Fw, WG German, TR French, RV Spanish, I Italian, ENC Portuguese, Doorst
 * Dutch, PD Polish, VS/VB Nordic, VL Finnish): a person sending us something they received.
 */
export function isForwardSubject(subject: string): boolean {
  return /^\s*(?:fwd?|wg|tr|rv|i|enc|doorst|pd|vs|vb|vl)\s*:/i.test(subject);
}

/** How much of a body detection reads: automatic mail says what it is in its first lines. */
export const DETECTION_TEXT_CHARS = 1500;

/** The subject, bounded like the text (a subject is a line; anything longer is not a notice). */
export function subjectHead(mail: Readonly<Mail>): string {
  return mail.subject.slice(0, 300);
}

/** The start of the new text (quotes and signature removed), bounded. */
export function newTextHead(mail: Readonly<Mail>): string {
  return mail.visibleText.slice(0, DETECTION_TEXT_CHARS);
}

/** The start of the whole body text, bounded (bounces put their explanation above the copy). */
export function textHead(mail: Readonly<Mail>): string {
  return mail.text.slice(0, 2 * DETECTION_TEXT_CHARS).replace(/\r\n/g, '\n').trimStart().slice(0, DETECTION_TEXT_CHARS);
}

/** A patch adding one more reason why no automatic answer may go out. */
export function withholdAnswer(soFar: Readonly<Decision>, reason: string): Pick<Decision, 'noAutoAnswer'> {
  return { noAutoAnswer: soFar.noAutoAnswer ? `${soFar.noAutoAnswer}; ${reason}` : reason };
}
