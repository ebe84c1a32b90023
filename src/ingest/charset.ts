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
 * Charset names declared in the raw message's headers that TextDecoder does not know. Only then
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

const CHARSET = /charset\s*=\s*["']?([A-Za-z0-9_.:+-]+)/gi;
const TOP_HEADER_LIMIT = 256 * 1024;
const PART_HEADER_LIMIT = 16 * 1024;

/**
 * The names in every `charset=NAME` of the message's header blocks: the top one, and the one
 * after each line starting with "--" (every MIME part starts after a boundary line, whatever
 * boundary it declares). mailparser takes charsets from those headers only, and scanning
 * just them leaves out the bodies: a 200 KB base64 attachment, searched for "charset" in all
 * its letter cases, cost more than the rest of this check.
 */
function declaredCharsets(raw: Buffer): string[] {
  const names: string[] = [];
  const scan = (start: number, limit: number) => {
    const window = raw.subarray(start, Math.min(raw.length, start + limit));
    const crlf = window.indexOf('\r\n\r\n');
    const lf = window.indexOf('\n\n');
    const end = Math.min(crlf < 0 ? window.length : crlf, lf < 0 ? window.length : lf);
    const head = window.toString('latin1', 0, end);
    for (const m of head.matchAll(CHARSET)) names.push(m[1]!);
    return start + end;
  };
  let from = scan(0, TOP_HEADER_LIMIT);
  for (let i = raw.indexOf('\n--', from); i >= 0; i = raw.indexOf('\n--', from)) from = Math.max(i + 3, scan(i + 1, PART_HEADER_LIMIT));
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
