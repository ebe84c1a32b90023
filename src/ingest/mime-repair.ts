// Repairs for broken mail that mailparser would otherwise lose the body of.

/**
 * A multipart message without a boundary parameter: mailparser then drops the whole body.
 * Guess the boundary from the first "--token" line of the body and put it in the header.
 */
export function repairBoundary(raw: Buffer, warnings: string[]): Buffer | null {
  const headEnd = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
  if (headEnd < 0) return null;
  const head = raw.subarray(0, headEnd).toString('latin1');
  const ct = /^content-type:[ \t]*multipart\/[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/im.exec(head);
  if (!ct || /boundary\s*=/i.test(ct[0])) return null;
  const body = raw.subarray(headEnd).toString('latin1');
  const guess = /^--([^\s-][^\s]{0,69}?)\s*$/m.exec(body);
  if (!guess) {
    warnings.push('multipart message without a boundary: body kept as plain text');
    const fixed = head.replace(ct[0], 'Content-Type: text/plain');
    return Buffer.concat([Buffer.from(fixed, 'latin1'), raw.subarray(headEnd)]);
  }
  warnings.push(`multipart message without a boundary: guessed "${guess[1]}" from the body`);
  const fixed = head.replace(ct[0], `${ct[0]}; boundary="${guess[1]}"`);
  return Buffer.concat([Buffer.from(fixed, 'latin1'), raw.subarray(headEnd)]);
}

// Crude text of HTML mailparser declined to convert (over 1 MB, so hostile input is likely):
// a single left-to-right scan with indexOf, no backtracking regex, so it is linear in the
// length. Every "search to the end" that fails is remembered, so many unclosed "<script" or
// "<" without ">" cannot make it quadratic either.

const ENTITIES: Record<string, string> = {
  nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", euro: '€', pound: '£', copy: '©', reg: '®', trade: '™',
  ndash: '–', mdash: '—', hellip: '…', bull: '•', middot: '·', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»',
};
const LINE_ENDING_CLOSERS = new Set(['title', 'p', 'div', 'tr', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const SKIPPED_BLOCKS = new Set(['script', 'style', 'head']);

function decodeEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,6});/gi, (whole, e: string) => {
    if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? whole;
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** Collapse blanks within lines and runs of blank lines to one, line by line. */
function tidyLines(text: string): string {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[ \t\r\f\v\u00a0]+/g, ' ').trim();
    if (line || (out.length && out[out.length - 1] !== '')) out.push(line);
  }
  return out.join('\n').trim();
}

/** Text of HTML: tags dropped, script/style/head and comments removed, line-ending tags as newlines, entities decoded. */
export function plainFromHtml(html: string): string {
  // ASCII-only lowercasing keeps every index the same as in `html`.
  const lower = html.replace(/[A-Z]+/g, (s) => s.toLowerCase());
  const missing = new Set<string>(); // needles already searched to the end in vain
  const find = (needle: string, from: number): number => {
    if (missing.has(needle)) return -1;
    const at = lower.indexOf(needle, from);
    if (at < 0) missing.add(needle);
    return at;
  };
  const out: string[] = [];
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    const next = html[lt + 1] ?? '';
    // "a < b" is text: only "<" followed by a letter, "/" or "!" opens a tag, as in browsers.
    if (!/[a-zA-Z/!]/.test(next)) {
      out.push(html.slice(i, lt + 1));
      i = lt + 1;
      continue;
    }
    if (lower.startsWith('<!--', lt)) {
      const end = find('-->', lt + 4);
      if (end >= 0) {
        out.push(html.slice(i, lt));
        i = end + 3;
        continue;
      }
    }
    const gt = find('>', lt + 1);
    if (gt < 0) break; // no tag can close any more: the rest is text
    out.push(html.slice(i, lt));
    i = gt + 1;
    const closing = next === '/';
    const name = /^[a-z0-9]*/.exec(lower.slice(lt + (closing ? 2 : 1), Math.min(gt, lt + 12)))![0];
    if (closing ? LINE_ENDING_CLOSERS.has(name) : name === 'br') out.push('\n');
    else if (closing && (name === 'td' || name === 'th')) out.push(' ');
    else if (!closing && SKIPPED_BLOCKS.has(name)) {
      // Skip to the matching close tag; without one (a sloppy "<head>" never closed), keep
      // the content rather than lose the rest of the mail.
      let close = find(`</${name}`, gt + 1);
      while (close >= 0 && /[a-z0-9]/.test(lower[close + 2 + name.length] ?? '')) close = find(`</${name}`, close + 1);
      if (close >= 0) {
        const end = find('>', close);
        i = end < 0 ? html.length : end + 1;
      }
    }
  }
  out.push(html.slice(i));
  return tidyLines(decodeEntities(out.join('')));
}
