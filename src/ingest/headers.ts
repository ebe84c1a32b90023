import { cleanHeaderValue } from '../mail/clean-text.js';
import { decodeBytes } from './charset.js';

// The Mail.headers map: every occurrence of every header as text. mailparser's own `headers`
// Map turns each header into a different shape (address objects, Dates, {value, params}), so we
// build ours from its raw `headerLines` and decode RFC 2047 words ourselves.

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

function wordBytes(encoding: string, data: string): Buffer {
  if (encoding.toUpperCase() === 'B') return Buffer.from(data, 'base64');
  const bytes: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const c = data[i]!;
    if (c === '_') bytes.push(0x20);
    else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(data.slice(i + 1, i + 3))) {
      bytes.push(parseInt(data.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c.charCodeAt(0) & 0xff);
  }
  return Buffer.from(bytes);
}

/**
 * Decode RFC 2047 encoded words. Adjacent words in one charset are joined before decoding, as
 * senders split a multibyte character across words; whitespace between encoded words goes.
 */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  let out = '';
  let last = 0;
  let charset: string | null = null; // of the words waiting in `bytes`
  let bytes: Buffer[] = [];
  const flush = () => {
    if (charset !== null) out += decodeBytes(Buffer.concat(bytes), charset.replace(/\*.*$/, ''));
    charset = null;
    bytes = [];
  };
  for (const m of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(last, m.index);
    const wordCharset = m[1]!.toLowerCase();
    const adjacent = last > 0 && /^\s*$/.test(between);
    if (!(adjacent && charset === wordCharset)) {
      flush();
      if (!adjacent) out += between;
    }
    charset = wordCharset;
    bytes.push(wordBytes(m[2]!, m[3]!));
    last = m.index + m[0].length;
  }
  flush();
  return out + value.slice(last);
}

export interface HeaderLine {
  key: string;
  line: string;
}

export function headerMap(lines: readonly HeaderLine[]): Record<string, string[]> {
  const map: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const { key, line } of lines) {
    if (!key) continue; // mailparser's entry for a line that is not a header at all
    const colon = line.indexOf(':');
    const value = cleanHeaderValue(decodeWords(line.slice(colon + 1).replace(/\r?\n[ \t]+/g, ' ').trim()));
    (map[key.toLowerCase()] ??= []).push(value);
  }
  return map;
}
