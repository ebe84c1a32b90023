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
  for (const m of raw.toString('latin1').matchAll(/charset\s*=\s*["']?([A-Za-z0-9_.:+-]+)/gi)) {
    const name = m[1]!;
    // UTF-7 is refused by mailparser on purpose (it can smuggle markup); leave that to it.
    if (!knownDecoder(name) && !/^(?:unicode-1-1-)?utf-?7$/i.test(name)) found.add(name.toLowerCase());
  }
  return [...found];
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
