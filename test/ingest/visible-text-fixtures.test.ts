import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseMail } from '../../src/ingest/parse.js';

// The visible-text fixture set (test/fixtures/visible-text/README.md): replies from a dozen
// mail clients in ten languages, each parsed as a whole mail (so the HTML part is read when
// there is one) and compared with the text a person would call new. The bar is 95% exact;
// the misses are printed so a change that loses cases shows which.

interface Fixture {
  name: string;
  client: string;
  lang: string;
  subject?: string;
  text?: string;
  html?: string;
  expected: string;
  signature?: string;
  file: string;
}

const dir = path.resolve(import.meta.dirname, '../fixtures/visible-text');

function load(): Fixture[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((file) => (parseYaml(readFileSync(path.join(dir, file), 'utf8')) as Omit<Fixture, 'file'>[]).map((f) => ({ ...f, file })));
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');

function part(type: 'plain' | 'html', body: string): string {
  return `Content-Type: text/${type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64(body)}\r\n`;
}

/** One mail of the fixture: multipart/alternative with both parts, or the one part it has. */
export function rawOf(f: Pick<Fixture, 'subject' | 'text' | 'html'>): Buffer {
  const subject = Buffer.from(f.subject ?? 'Re: [SEO-1043] Local listing', 'utf8').toString('base64');
  const head = `From: Client <client@customer.example>\r\nTo: support@brightpixel.example\r\nSubject: =?utf-8?B?${subject}?=\r\nMessage-ID: <fixture@customer.example>\r\nMIME-Version: 1.0\r\n`;
  if (f.text !== undefined && f.html !== undefined) {
    const b = 'fixture-boundary-42';
    return Buffer.from(`${head}Content-Type: multipart/alternative; boundary="${b}"\r\n\r\n--${b}\r\n${part('plain', f.text)}--${b}\r\n${part('html', f.html)}--${b}--\r\n`);
  }
  return Buffer.from(`${head}${f.html !== undefined ? part('html', f.html) : part('plain', f.text ?? '')}`);
}

const fixtures = load();

describe('visible-text fixture set', () => {
  it('is large and varied enough to measure (≥ 150 replies, ≥ 10 clients, ≥ 8 languages, both kinds of part)', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(150);
    expect(new Set(fixtures.map((f) => f.client)).size).toBeGreaterThanOrEqual(10);
    expect(new Set(fixtures.map((f) => f.lang)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(fixtures.map((f) => f.name)).size).toBe(fixtures.length);
    expect(fixtures.filter((f) => f.html === undefined).length).toBeGreaterThanOrEqual(30);
    expect(fixtures.filter((f) => f.html !== undefined).length).toBeGreaterThanOrEqual(60);
    for (const f of fixtures) expect(f.expected?.trim(), f.name).toBeTruthy();
  });

  it('matches the expected new text in at least 95% of the replies', async () => {
    const misses: string[] = [];
    for (const f of fixtures) {
      const { mail } = await parseMail(rawOf(f), { attachmentMaxBytes: 1024 * 1024 });
      const want = f.expected.trim();
      const wantSignature = f.signature === undefined ? undefined : f.signature.trim();
      if (mail.visibleText !== want || (wantSignature !== undefined && mail.signature !== wantSignature)) {
        misses.push(
          `${f.file} ${f.name} (${f.client}, ${f.lang}):\n  expected ${JSON.stringify(want)}\n  got      ${JSON.stringify(mail.visibleText)}` +
            (wantSignature !== undefined ? `\n  signature ${JSON.stringify(mail.signature)} (expected ${JSON.stringify(wantSignature)})` : ''),
        );
      }
    }
    const score = (fixtures.length - misses.length) / fixtures.length;
    console.log(`visible text: ${fixtures.length - misses.length} of ${fixtures.length} exact (${(score * 100).toFixed(1)}%)${misses.length ? `\n${misses.join('\n')}` : ''}`);
    expect(score).toBeGreaterThanOrEqual(0.95);
  });
});
