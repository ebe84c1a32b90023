import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, root } from '../support/build.js';

// Worker threads run compiled JavaScript, so this test uses the build in dist/.
type PoolModule = typeof import('../../src/ingest/parse-pool.js');
let createParsePool: PoolModule['createParsePool'];

beforeAll(async () => {
  await buildOnce();
  ({ createParsePool } = (await import(path.join(root, 'dist/src/ingest/parse-pool.js'))) as PoolModule);
});

const mail = (i: number, extra = '') =>
  Buffer.from(`From: c${i}@client.example\r\nTo: support@agency.example\r\nSubject: message ${i}\r\nMessage-ID: <m${i}@x>\r\n${extra}\r\nbody ${i}\r\n`);

describe('parse pool', () => {
  it('parses on two worker threads and answers each caller with its own message', async () => {
    const pool = createParsePool({ size: 2, attachmentMaxBytes: 1024 });
    try {
      expect(pool.workers).toBe(2);
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => pool.parse(mail(i))));
      expect(results.map((r) => r.mail.subject)).toEqual(Array.from({ length: 40 }, (_, i) => `message ${i}`));
    } finally {
      await pool.close();
    }
  });

  it('returns attachment parts as Buffers and reports a parse error without losing the worker', async () => {
    const pool = createParsePool({ size: 1, attachmentMaxBytes: 1024 });
    try {
      const withPart = Buffer.from(
        'From: a@b.example\r\nSubject: att\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n' +
          '--b\r\nContent-Type: text/plain\r\n\r\nsee file\r\n--b\r\nContent-Type: application/octet-stream\r\n' +
          'Content-Disposition: attachment; filename="../../etc/passwd"\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n--b--\r\n',
      );
      const parsed = await pool.parse(withPart);
      expect(Buffer.isBuffer(parsed.parts[0])).toBe(true);
      expect(parsed.parts[0]!.toString()).toBe('hello');
      expect(parsed.mail.attachments[0]!.filename).not.toContain('/');
      await expect(pool.parse(Buffer.alloc(0))).rejects.toThrow(/empty message/);
      expect((await pool.parse(mail(1))).mail.subject).toBe('message 1');
    } finally {
      await pool.close();
    }
  });

  it('parses in-process when the size is 0', async () => {
    const pool = createParsePool({ size: 0, attachmentMaxBytes: 1024 });
    expect(pool.workers).toBe(0);
    expect((await pool.parse(mail(3))).mail.messageId).toBe('m3@x');
    await pool.close();
  });
});
