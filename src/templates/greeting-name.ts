import { cleanName } from '../mail/clean-text.js';

// "Hi Dana Whitfield," reads well; "Hi Smile Bright Dental - Front Desk," or "Hi info," does
// not. A display name is used in a greeting only when it looks like a person's name; anything
// else (a company, a role, a mailbox name) gets the neutral "Hello,". Wrongly neutral is fine;
// wrongly greeting a front desk by name is what a client notices.

/** Words that name a business, a role or a mailbox, never a person (compared lowercased). */
const NOT_A_PERSON = new Set([
  'accounting', 'accounts', 'account', 'admin', 'administration', 'agency', 'assistant', 'bakery', 'billing', 'bookings',
  'care', 'center', 'centre', 'clinic', 'co', 'company', 'contact', 'corp', 'corporation', 'customer', 'customers',
  'dental', 'department', 'dept', 'desk', 'enquiries', 'finance', 'front', 'gmbh', 'group', 'hello', 'help',
  'helpdesk', 'hotel', 'hr', 'inc', 'info', 'inquiries', 'it', 'llc', 'llp', 'ltd', 'mail', 'mailbox', 'management',
  'marketing', 'no-reply', 'noreply', 'office', 'operations', 'orders', 'payroll', 'plc', 'practice', 'reception',
  'restaurant', 'sales', 'salon', 'service', 'services', 'shop', 'staff', 'store', 'studio', 'support', 'team',
  'the', 'webmaster',
]);

/** Lowercase particles inside a person's name: "Ludwig van Beethoven", "Maria de la Cruz". */
const PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'del', 'della', 'la', 'le', 'du', 'da', 'di', 'dos', 'bin', 'binti', 'al', 'ter', 'ten']);

// A word of a name: a capital letter, then letters, with inner apostrophes or hyphens
// (O'Brien, Mary-Jane) and an optional final dot for an initial (J.); or letters of a script
// without capitals (王伟, محمد).
const NAME_WORD = /^(?:\p{Lu}[\p{L}\p{M}]*(?:['’-][\p{L}\p{M}]+)*\.?|\p{Lo}[\p{Lo}\p{M}]*)$/u;

/** The display name to greet by, or null for a neutral greeting. */
export function greetingName(displayName: string | null | undefined): string | null {
  const name = cleanName(displayName ?? '').trim();
  if (!name || name.length > 60) return null;
  const words = name.split(/\s+/);
  if (words.length > 4) return null;
  if (words.some((w) => NOT_A_PERSON.has(w.toLowerCase().replace(/[.,]$/, '')))) return null;
  // Every word a capitalised name word or a particle between them; a lone initial is not a name.
  if (!words.every((w, i) => NAME_WORD.test(w) || (PARTICLES.has(w) && i > 0 && i < words.length - 1))) return null;
  if (words.every((w) => /^\p{Lu}\.?$/u.test(w))) return null;
  // ALL CAPS of more than one letter ("ACME", "IT SUPPORT") is a brand more often than a person.
  if (words.some((w) => w.length > 2 && w === w.toUpperCase() && /\p{Lu}{2}/u.test(w))) return null;
  return name;
}
