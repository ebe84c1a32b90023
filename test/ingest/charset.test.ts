import { describe, expect, it } from 'vitest';
import { unknownCharsets } from '../../src/ingest/charset.js';

describe('unknownCharsets', () => {
  const mail = (...declarations: string[]) =>
    Buffer.from(
      'From: a@b.example\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n' +
        declarations.map((d) => `--b\r\nContent-Type: text/plain; ${d}\r\n\r\nbody\r\n`).join('') +
        '--b--\r\n',
      'latin1',
    );

  it('names only the declared charsets TextDecoder does not know, in any case and quoting', () => {
    const raw = mail('charset=utf-8', 'CHARSET="ISO-8859-1"', 'Charset = x-klingon', "charset='WIN-1252'", 'charset=X-Klingon');
    expect(unknownCharsets(raw)).toEqual(['x-klingon']);
    // The same answer again (names are remembered between mails).
    expect(unknownCharsets(raw)).toEqual(['x-klingon']);
    expect(unknownCharsets(mail('charset=us-ascii', 'charset=windows-1252'))).toEqual([]);
  });

  it('reads a long declaration whole, and leaves UTF-7 to mailparser', () => {
    const long = `x-${'a'.repeat(400)}`;
    expect(unknownCharsets(mail(`charset=${long}`, 'charset=utf-7'))).toEqual([long]);
  });

  it('looks at header blocks only: the top one and each part after a boundary, not the bodies', () => {
    const raw = Buffer.from(
      'From: a@b.example\nContent-Type: multipart/mixed;\n\tboundary="=_b"\n\n' +
        'Preamble text mentioning charset=x-in-preamble.\n' +
        '--=_b\nContent-Type: text/html;\n charset=x-folded\n\n<meta charset=x-in-html-body>\n' +
        '--=_b\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nY2hhcnNldD14LWluLWJhc2U2NA==\ncharset=x-in-body\n' +
        '--=_b--\n',
      'latin1',
    );
    expect(unknownCharsets(raw)).toEqual(['x-folded']);
  });
});
