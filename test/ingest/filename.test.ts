import { describe, expect, it } from 'vitest';
import { safeFilename } from '../../src/ingest/filename.js';

describe('safeFilename', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\bob\\invoice.pdf', 'invoice.pdf'],
    ['..', 'attachment-3'],
    ['bad\u0000name\u0007.txt', 'badname.txt'],
    ['.htaccess', 'htaccess'],
    ['what?.docx', 'what_.docx'],
    ['report\u202Efdp.exe', 'reportfdp.exe'],
    ['', 'attachment-3'],
    [undefined, 'attachment-3'],
  ])('%j → %j', (name, expected) => {
    expect(safeFilename(name, 2)).toBe(expected);
  });

  it('bounds the length and keeps the extension', () => {
    const name = safeFilename(`${'x'.repeat(300)}.pdf`, 0);
    expect(name.length).toBe(120);
    expect(name.endsWith('.pdf')).toBe(true);
  });
});
