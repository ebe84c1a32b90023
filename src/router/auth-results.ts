// A parser of one Authentication-Results header value (RFC 8601 §2.2):
//   authserv-id [version] ( "; none" / 1*( ";" method[/version] "=" result
//                                          [reason "=" value] *( ptype "." property "=" pvalue ) ) )
// with comments "(...)" (nested, with "\" escapes) allowed between any two parts, and values as
// tokens or quoted strings. It is written for the headers of OUR receiving server, which we
// trust; anything it cannot read is refused whole (null), so a garbled header never counts as
// a pass. A sender's text reaches such a header only inside a value (smtp.mailfrom=...) or a
// comment, so quoted strings and comments are read exactly: "a; dmarc=pass" in quotes stays one
// value. One pass over the text, no regex backtracking: a header can be long.
// (npm's `mailauth` verifies DKIM/SPF/DMARC itself and needs Node 22; we only read results.)

export interface AuthResult {
  /** Lowercased, without its version: "dmarc", "spf", "dkim". */
  method: string;
  /** Lowercased: "pass", "fail", "none", ... */
  result: string;
  reason: string | null;
  /** "header.from" → "bakery.example"; keys lowercased, values as written. */
  props: Record<string, string>;
}

export interface AuthResultsHeader {
  /** Lowercased (it is a domain name in practice). */
  authservId: string;
  results: AuthResult[];
}

class Syntax extends Error {}

// RFC 2045 tspecials and the like end a token; "." is allowed (authserv-ids are host names).
const TOKEN_END = new Set([' ', '\t', '\r', '\n', '(', ')', '<', '>', '@', ',', ';', ':', '\\', '"', '/', '[', ']', '?', '=']);
const NAME = /[A-Za-z0-9_-]/;

class Reader {
  i = 0;
  constructor(readonly s: string) {}

  get done(): boolean {
    return this.i >= this.s.length;
  }

  peek(): string {
    return this.s[this.i] ?? '';
  }

  /** Skip blanks and comments. */
  cfws(): void {
    while (!this.done) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') this.i++;
      else if (c === '(') this.comment();
      else return;
    }
  }

  private comment(): void {
    let depth = 0;
    while (!this.done) {
      const c = this.s[this.i++];
      if (c === '\\') this.i++;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return;
    }
    throw new Syntax('unterminated comment');
  }

  expect(c: string): void {
    this.cfws();
    if (this.peek() !== c) throw new Syntax(`expected "${c}" at ${this.i}`);
    this.i++;
  }

  /** A Keyword-like name: letters, digits, "-" and "_". */
  name(): string {
    this.cfws();
    const start = this.i;
    while (!this.done && NAME.test(this.peek())) this.i++;
    if (this.i === start) throw new Syntax(`expected a name at ${start}`);
    return this.s.slice(start, this.i);
  }

  /** value = token / quoted-string */
  value(): string {
    this.cfws();
    if (this.peek() === '"') return this.quoted();
    const start = this.i;
    while (!this.done && !TOKEN_END.has(this.peek())) this.i++;
    if (this.i === start) throw new Syntax(`expected a value at ${start}`);
    return this.s.slice(start, this.i);
  }

  /** pvalue: a quoted string, or anything up to a blank, ";" or "(" (addresses, base64 of header.b). */
  pvalue(): string {
    this.cfws();
    // A quoted local part ("a b"@x.example) continues with its domain.
    const local = this.peek() === '"' ? this.quoted() : '';
    if (local && this.peek() !== '@') return local;
    const start = this.i;
    while (!this.done && !' \t\r\n;('.includes(this.peek())) this.i++;
    return local + this.s.slice(start, this.i);
  }

  private quoted(): string {
    let out = '';
    this.i++; // the opening quote
    while (!this.done) {
      const c = this.s[this.i++]!;
      if (c === '"') return out;
      if (c === '\\') {
        if (this.done) break;
        out += this.s[this.i++];
      } else out += c;
    }
    throw new Syntax('unterminated quoted string');
  }
}

function resinfo(r: Reader): AuthResult {
  const method = r.name().toLowerCase();
  r.cfws();
  if (r.peek() === '/') {
    r.i++;
    r.name(); // method version
  }
  r.expect('=');
  const result = r.name().toLowerCase();
  let reason: string | null = null;
  const props: Record<string, string> = {};
  for (;;) {
    r.cfws();
    if (r.done || r.peek() === ';') break;
    let key = r.name().toLowerCase();
    r.cfws();
    if (r.peek() === '.') {
      r.i++;
      key = `${key}.${r.name().toLowerCase()}`;
    }
    r.expect('=');
    if (key === 'reason') reason = r.value();
    // Keys without a ptype ("action=none", Microsoft's) are kept as they are.
    else props[key] = r.pvalue();
  }
  return { method, result, reason, props };
}

/** The parsed header, or null when it is not one we can read exactly. */
export function parseAuthResults(value: string): AuthResultsHeader | null {
  const r = new Reader(value);
  try {
    const authservId = r.value().toLowerCase();
    r.cfws();
    if (/[0-9]/.test(r.peek())) r.name(); // authres-version
    const results: AuthResult[] = [];
    for (;;) {
      r.cfws();
      if (r.done) break;
      r.expect(';');
      r.cfws();
      if (r.done) break; // a trailing ";"
      const save = r.i;
      if (r.name().toLowerCase() === 'none' && (r.cfws(), r.done)) break; // no-result
      r.i = save;
      results.push(resinfo(r));
    }
    return { authservId, results };
  } catch (err) {
    if (err instanceof Syntax) return null;
    throw err;
  }
}
