// Subject helpers for threading: ticket tags and the normalised subject the guard compares.

/** "[REF-1042]" tags in a subject, as upper-case keys, for the configured prefixes only. */
export function subjectTags(subject: string, prefixes: readonly string[]): string[] {
  const known = new Set(prefixes.map((p) => p.toUpperCase()));
  const keys: string[] = [];
  for (const m of subject.matchAll(/\[\s*([A-Za-z][A-Za-z0-9]{1,9})-(\d{1,12})\s*\]/g)) {
    const prefix = m[1]!.toUpperCase();
    if (known.has(prefix)) keys.push(`${prefix}-${m[2]}`);
  }
  return keys;
}

// Reply and forward markers of common clients and languages: Re, Fwd/Fw, AW/WG (German),
// SV/VS (Nordic), Antw (Dutch), RV (Spanish), TR (French), Réf; with "Re[2]:" counters.
const MARKER = /^\s*(?:re|fwd?|aw|wg|sv|vs|antw|rv|tr|réf|ref)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*/i;

/** The subject without reply/forward markers and [tags], lowercased and single-spaced. */
export function normaliseSubject(subject: string): string {
  let s = subject.replace(/\[[^\]]*\]/g, ' ');
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(MARKER, '');
  }
  return s.replace(/\s+/g, ' ').trim().toLowerCase();
}

// Words too common to say two subjects are about the same thing.
const STOP_WORDS = new Set(
  'the and for you your our with from about this that are was has have not but can please new all any some here there what when how who why'.split(' '),
);

/** Words of three or more letters or digits, minus stop words: what two subjects must share. */
export function subjectWords(subject: string): Set<string> {
  return new Set(
    normaliseSubject(subject)
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length >= 3 && !STOP_WORDS.has(w)),
  );
}
