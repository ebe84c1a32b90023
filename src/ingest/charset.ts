import { Transform, type TransformCallback } from 'node:stream';

// mailparser decodes a body in a charset it does not know as UTF-8 with every other byte turned
// into U+FFFD, so "Café" in a mislabelled Latin-1 mail arrives as "Caf�". For such mail we hand
// it this decoder class through its `Iconv` option instead: known charsets go through the WHATWG
// TextDecoder (Node ships full ICU), unknown ones are kept whole and decoded as UTF-8 when the
// bytes are valid UTF-8, else as windows-1252 (the usual truth behind a bad label in Western
// mail), and the parse records a warning either way.

const ALIASES: Record<string, string> = {
  // mailparser rewrites ks_c_5601-1987 to CP949 before calling us; WHATWG knows it as euc-kr.
  cp949: 'euc-kr',
  'ks_c_5601-1987': 'euc-kr',
};

function normalise(charset: string): string {
  const name = charset.trim().toLowerCase().replace(/^["']|["']$/g, '');
  return ALIASES[name] ?? name.replace(/^win(?:dows)?[-_]?(\d{4})$/, 'windows-$1').replace(/^cp[-_]?(125\d)$/, 'windows-$1');
}

function knownDecoder(charset: string): TextDecoder | null {
  try {
    return new TextDecoder(normalise(charset));
  } catch {
    return null;
  }
}

/**
 * Charset names declared anywhere in the raw message that TextDecoder does not know. Only then
 * does parse hand mailparser our decoder: all other mail keeps mailparser's own decoding
 * (libmime and iconv-lite know a few rare charsets WHATWG lacks) and its speed.
 */
export function unknownCharsets(raw: Buffer): string[] {
  const found = new Set<string>();
  for (const name of declaredCharsets(raw)) {
    // UTF-7 is refused by mailparser on purpose (it can smuggle markup); leave that to it.
    if (!isKnown(name) && !/^(?:unicode-1-1-)?utf-?7$/i.test(name)) found.add(name.toLowerCase());
  }
  return [...found];
}

// Whether TextDecoder knows a name, by name as declared: making a decoder to find out costs
// more than the rest of the check, and every mail declares the same few charsets.
const known = new Map<string, boolean>();
function isKnown(name: string): boolean {
  let k = known.get(name);
  if (k === undefined) {
    k = knownDecoder(name) !== null;
    if (known.size < 1000) known.set(name, k); // names come from mail: bounded
  }
  return k;
}

const CHARSET_AT = /charset\s*=\s*["']?([A-Za-z0-9_.:+-]+)/iy;
const SET_CASES = ['set', 'seT', 'sEt', 'sET', 'Set', 'SeT', 'SEt', 'SET'];
const CHAR = /^char$/i;

/**
 * The names in every `charset=NAME`, in order, as a global /charset.../gi over the whole raw
 * text would find them. Turning a mail with a 200 KB attachment into one string cost more than
 * the rest of this check, so native searches for "set" (any case) find the few places to look.
 */
function declaredCharsets(raw: Buffer): string[] {
  const starts: number[] = [];
  for (const set of SET_CASES) {
    for (let i = raw.indexOf(set, 4, 'latin1'); i >= 0; i = raw.indexOf(set, i + 1, 'latin1')) {
      if (CHAR.test(raw.toString('latin1', i - 4, i))) starts.push(i - 4);
    }
  }
  starts.sort((a, b) => a - b);
  const names: string[] = [];
  let end = 0; // a global regex resumes after its last match
  for (const start of starts) {
    if (start < end) continue;
    // A declaration is short; the redo below covers a longer one.
    let window = raw.toString('latin1', start, start + 256);
    CHARSET_AT.lastIndex = 0;
    let m = CHARSET_AT.exec(window);
    // A match running to the window's edge may go on: redo it over the rest of the mail.
    if (m && m[0].length === window.length && start + window.length < raw.length) {
      window = raw.toString('latin1', start);
      CHARSET_AT.lastIndex = 0;
      m = CHARSET_AT.exec(window);
    }
    if (!m) continue;
    names.push(m[1]!);
    end = start + m[0].length;
  }
  return names;
}

/** Decode bytes labelled with an unknown charset: UTF-8 when valid, else windows-1252. */
export function decodeUnknown(bytes: Uint8Array): { text: string; as: string } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), as: 'UTF-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), as: 'windows-1252' };
  }
}

/** Decode bytes in `charset`, falling back like the body decoder does. */
export function decodeBytes(bytes: Uint8Array, charset: string): string {
  const decoder = knownDecoder(charset);
  return decoder ? decoder.decode(bytes) : decodeUnknown(bytes).text;
}

/** A class with node-iconv's constructor shape, reporting unknown charsets to `warn`. */
export function charsetDecoderClass(warn: (message: string) => void) {
  return class CharsetDecoder extends Transform {
    private readonly decoder: TextDecoder | null;
    private readonly chunks: Buffer[] = [];

    constructor(private readonly charset: string, _to?: string) {
      super();
      this.decoder = knownDecoder(charset);
    }

    override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
      if (this.decoder) {
        const text = this.decoder.decode(chunk, { stream: true });
        if (text) this.push(Buffer.from(text, 'utf8'));
      } else {
        this.chunks.push(chunk);
      }
      done();
    }

    override _flush(done: TransformCallback): void {
      if (this.decoder) {
        const rest = this.decoder.decode();
        if (rest) this.push(Buffer.from(rest, 'utf8'));
      } else {
        const { text, as } = decodeUnknown(Buffer.concat(this.chunks));
        warn(`unknown charset "${this.charset}": body decoded as ${as}`);
        if (text) this.push(Buffer.from(text, 'utf8'));
      }
      done();
    }
  };
}
