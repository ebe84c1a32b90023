import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// email-reply-parser's own parser class, with two costs taken out and its algorithm and regexes
// left as they are (a test checks the output is the library's, mail for mail):
// - it reverses strings one character at a time (`s += substring(i - 1, i)`), for every line
//   and again for each of its 31 quote-header regexes: a short reply cost 0.26 ms and most of
//   the parse worker's garbage. A split/reverse/join gives the same string;
// - it tests each line against ~25 signature regexes twice (as the line, then as the previous
//   line of the next one): the answers are kept for the mail being parsed.
// - some of its quote-header regexes take cubic time on a long line of digits, quotes and
//   angle brackets (7 KB: 2 s; a hostile mail could hold a parse worker, or with
//   parse_workers 0 the daemon, for minutes). A quote header ("On <date>, X wrote:") is one
//   short line, so lines over LONG_LINE are never tested as one: masked in
//   fixBrokenSignatures, false in isQuoteHeader. Output differs from the library only there.
// The class is not in the package's exports, so it is loaded from beside the entry point; the
// version is pinned, and a layout change fails loudly at start-up and in the tests.

export interface ParsedReply {
  getVisibleText(): string;
}

interface LibraryParser {
  parse(text: string): ParsedReply;
  stringReverse(text: string): string;
  isSignature(line: string): boolean;
  isQuoteHeader(line: string): boolean;
  getQuoteHeadersRegex(): { test(text: string): boolean }[];
  fixBrokenSignatures(text: string): string;
}

const LONG_LINE = 1000;
const MASK = /\u0000(\d+)\u0000/g;

type LibraryParserClass = new () => LibraryParser;

const entry = createRequire(import.meta.url).resolve('email-reply-parser');
const internal = pathToFileURL(path.join(path.dirname(entry), 'parser', 'emailparser.js')).href;
const { default: LibraryEmailParser } = (await import(internal)) as { default: LibraryParserClass };
if (typeof LibraryEmailParser?.prototype?.isSignature !== 'function') {
  throw new Error(`email-reply-parser: ${internal} is not the parser class this code was written for`);
}

class FastEmailParser extends LibraryEmailParser {
  private readonly signatures = new Map<string, boolean>();
  private readonly quoteHeaders = new Map<string, boolean>();

  override stringReverse(text: string): string {
    // Code units, like the library: a surrogate pair is split here and joined again when the
    // library reverses the line back.
    return text.split('').reverse().join('');
  }

  override isSignature(line: string): boolean {
    let known = this.signatures.get(line);
    if (known === undefined) this.signatures.set(line, (known = super.isSignature(line)));
    return known;
  }

  override fixBrokenSignatures(text: string): string {
    const lines = text.split('\n');
    if (!lines.some((l) => l.length > LONG_LINE)) return super.fixBrokenSignatures(text);
    // Parsed text holds no NUL (clean-text strips controls); drop any here so no mark collides.
    if (text.includes('\u0000')) return this.fixBrokenSignatures(text.replace(/\u0000/g, ''));
    const masked = lines.map((l, i) => (l.length > LONG_LINE ? `\u0000${i}\u0000` : l)).join('\n');
    return super.fixBrokenSignatures(masked).replace(MASK, (_, i: string) => lines[Number(i)]!);
  }

  override isQuoteHeader(line: string): boolean {
    if (line.length > LONG_LINE) return false;
    let known = this.quoteHeaders.get(line);
    if (known === undefined) {
      // The library reverses the line once per regex; once is enough (none is global).
      const text = this.stringReverse(line);
      known = this.getQuoteHeadersRegex().some((regex) => regex.test(text));
      this.quoteHeaders.set(line, known);
    }
    return known;
  }
}

/** email-reply-parser's `read(text)`: fragments of the mail, quoted and signature ones hidden. */
export function parseReply(text: string): ParsedReply {
  return new FastEmailParser().parse(text);
}
