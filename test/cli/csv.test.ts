import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../src/cli/csv.js';

describe('CSV writer (RFC 4180, formula-injection guarded)', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['carriage\rreturn', '"carriage\rreturn"'],
    ['', ''],
    ['Ünïcødé ✓', 'Ünïcødé ✓'],
  ])('%j is written as %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it.each([
    ['=HYPERLINK("http://evil.example","click")', `"'=HYPERLINK(""http://evil.example"",""click"")"`],
    ['+1+cmd|\' /C calc\'!A0', `'+1+cmd|' /C calc'!A0`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1:A9)', `'@SUM(A1:A9)`],
    ['\t=1+1', `'\t=1+1`],
    ['\r=1+1', `"'\r=1+1"`],
  ])('a field starting a formula, %j, gets a leading apostrophe: %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('keeps a formula character that is not first, and writes null as an empty field', () => {
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(42)).toBe('42');
  });

  it('ends every record, the last one too, with CRLF and keeps line breaks inside quoted fields', () => {
    const doc = toCsv(['key', 'reason'], [['REF-1', 'wrong logo,\r\nredo'], ['REF-2', '=cmd']]);
    expect(doc).toBe(`key,reason\r\nREF-1,"wrong logo,\r\nredo"\r\nREF-2,'=cmd\r\n`);
  });

  it('round-trips through a strict RFC 4180 reader', () => {
    const hostile = ['a "quoted", text', 'line\r\nbreak', '=1+2', ',', '"', ''];
    const doc = toCsv(['x'], hostile.map((h) => [h]));
    expect(readCsv(doc).slice(1).map((r) => r[0])).toEqual(hostile.map((h) => (/^[=+\-@\t\r]/.test(h) ? `'${h}` : h)));
  });
});

/** A minimal RFC 4180 reader, written from the grammar, to check what a spreadsheet would see. */
function readCsv(doc: string): string[][] {
  const records: string[][] = [];
  let i = 0;
  while (i < doc.length) {
    const record: string[] = [];
    for (;;) {
      let field = '';
      if (doc[i] === '"') {
        i++;
        for (;;) {
          if (doc[i] === '"' && doc[i + 1] === '"') (field += '"'), (i += 2);
          else if (doc[i] === '"') {
            i++;
            break;
          } else if (i >= doc.length) throw new Error('unterminated quoted field');
          else field += doc[i++];
        }
      } else {
        while (i < doc.length && doc[i] !== ',' && doc[i] !== '\r') {
          if (doc[i] === '"' || doc[i] === '\n') throw new Error(`bare ${JSON.stringify(doc[i])} in an unquoted field at ${i}`);
          field += doc[i++];
        }
      }
      record.push(field);
      if (doc[i] === ',') i++;
      else if (doc.startsWith('\r\n', i)) {
        i += 2;
        break;
      } else throw new Error(`expected , or CRLF at ${i}`);
    }
    records.push(record);
  }
  return records;
}
