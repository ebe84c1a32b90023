import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobStore } from '../../src/ingest/blob-store.js';
import { buildOnce, root } from '../support/build.js';

// Worker threads run compiled JavaScript, so this test uses the build in dist/.
type PoolModule = typeof import('../../src/ingest/parse-pool.js');
let createParsePool: PoolModule['createParsePool'];

const dataDir = mkdtempSync(path.join(tmpdir(), 'tkd-pool-'));
const blobs = new BlobStore(dataDir);
beforeAll(async () => {
  await buildOnce();
  ({ createParsePool } = (await import(path.join(root, 'dist/src/ingest/parse-pool.js'))) as PoolModule);
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const stored = (raw: string | Buffer) => blobs.put('raw', typeof raw === 'string' ? Buffer.from(raw) : raw).path;
const mail = (i: number) =>
  stored(`From: c${i}@client.example\r\nTo: support@agency.example\r\nSubject: message ${i}\r\nMessage-ID: <m${i}@x>\r\n\r\nbody ${i}\r\n`);

describe('parse pool', () => {
  it('parses stored mail on two worker threads and answers each caller with its own message', async () => {
    const pool = createParsePool({ size: 2, dataDir, attachmentMaxBytes: 1024 });
    try {
      expect(pool.workers).toBe(2);
      const paths = Array.from({ length: 40 }, (_, i) => mail(i));
      const results = await Promise.all(paths.map((p) => pool.parse(p)));
      expect(results.map((m) => m.subject)).toEqual(Array.from({ length: 40 }, (_, i) => `message ${i}`));
    } finally {
      await pool.close();
    }
  });

  it('stores attachments under safe names from the worker and reports a parse error without losing the worker', async () => {
    const pool = createParsePool({ size: 1, dataDir, attachmentMaxBytes: 1024 });
    try {
      const withPart = stored(
        'From: a@b.example\r\nSubject: att\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n' +
          '--b\r\nContent-Type: text/plain\r\n\r\nsee file\r\n--b\r\nContent-Type: application/octet-stream\r\n' +
          'Content-Disposition: attachment; filename="../../etc/passwd"\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n--b--\r\n',
      );
      const parsed = await pool.parse(withPart);
      const a = parsed.attachments[0]!;
      expect(a.filename).not.toContain('/');
      expect(blobs.read(a.storedPath!).toString()).toBe('hello');
      await expect(pool.parse(stored('\r\n\r\n'))).rejects.toThrow(/empty message/);
      await expect(pool.parse('raw/00/missing.eml')).rejects.toThrow(/cannot be read|sha256/);
      expect((await pool.parse(mail(1))).subject).toBe('message 1');
    } finally {
      await pool.close();
    }
  });

  it('parses the bytes sent with a job (a slice of a larger buffer) without reading the file back', async () => {
    const pool = createParsePool({ size: 1, dataDir, attachmentMaxBytes: 1024 });
    try {
      const text = 'From: c7@client.example\r\nSubject: sent along\r\nMessage-ID: <m7@x>\r\n\r\nbody\r\n';
      const slab = Buffer.from(`${'x'.repeat(500)}${text}${'y'.repeat(500)}`);
      const raw = slab.subarray(500, 500 + text.length);
      // No file under this name: only the bytes that came with the job can be parsed.
      const parsed = await pool.parse('raw/0/not-written.eml', raw);
      expect(parsed.subject).toBe('sent along');
      expect(parsed.text.trim()).toBe('body');
      expect(raw.toString()).toBe(text); // the caller's buffer is untouched
    } finally {
      await pool.close();
    }
  });

  it('moves a buffer that owns its memory to the worker instead of copying it', async () => {
    const pool = createParsePool({ size: 1, dataDir, attachmentMaxBytes: 1024 });
    try {
      const text = 'From: c8@client.example\r\nSubject: moved\r\nMessage-ID: <m8@x>\r\n\r\nbody\r\n'.padEnd(5000, ' ');
      const raw = Buffer.alloc(text.length);
      raw.write(text, 'latin1');
      const parsed = await pool.parse('raw/0/not-written-either.eml', raw);
      expect(parsed.subject).toBe('moved');
      expect(raw.length).toBe(0); // detached: the worker has the bytes now
    } finally {
      await pool.close();
    }
  });

  it('parses in-process when the size is 0', async () => {
    const pool = createParsePool({ size: 0, dataDir, attachmentMaxBytes: 1024 });
    expect(pool.workers).toBe(0);
    expect((await pool.parse(mail(3))).messageId).toBe('m3@x');
    await pool.close();
  });

  describe('a hung or crashed worker', () => {
    // The worker honours X-Test-Parse only under this variable (see parse-worker.ts); a worker
    // takes its environment when it starts, so set it before the pool and restore it after.
    const misbehaving = (how: 'hang' | 'crash') =>
      stored(`From: x@client.example\r\nSubject: ${how}\r\nX-Test-Parse: ${how}\r\n\r\nbody\r\n`);
    const withHooks = async (fn: () => Promise<void>) => {
      const before = process.env.TICKETD_TEST_PARSE_HOOKS;
      process.env.TICKETD_TEST_PARSE_HOOKS = '1';
      try {
        await fn();
      } finally {
        if (before === undefined) delete process.env.TICKETD_TEST_PARSE_HOOKS;
        else process.env.TICKETD_TEST_PARSE_HOOKS = before;
      }
    };

    it('a parse that times out fails alone: its neighbour on the same worker and the next parse succeed', () =>
      withHooks(async () => {
        // One worker, so the neighbour is posted to the worker that hangs.
        const pool = createParsePool({ size: 1, dataDir, attachmentMaxBytes: 1024, timeoutMs: 3000 });
        try {
          const [hung, neighbour] = await Promise.allSettled([pool.parse(misbehaving('hang')), pool.parse(mail(101))]);
          expect(hung.status === 'rejected' && String(hung.reason)).toMatch(/longer than .* ms: abandoned/);
          expect(neighbour.status === 'fulfilled' && neighbour.value.subject).toBe('message 101');
          expect((await pool.parse(mail(102))).subject).toBe('message 102');
        } finally {
          await pool.close();
        }
      }), 60_000);

    it('a worker that dies fails only the oldest parse it had; the rest are parsed by its replacement', () =>
      withHooks(async () => {
        const pool = createParsePool({ size: 1, dataDir, attachmentMaxBytes: 1024 });
        try {
          // The neighbour's bytes travel with its job: the replacement worker gets them again.
          const neighbourPath = mail(103);
          const [crashed, neighbour] = await Promise.allSettled([pool.parse(misbehaving('crash')), pool.parse(neighbourPath, blobs.read(neighbourPath))]);
          expect(crashed.status === 'rejected' && String(crashed.reason)).toMatch(/exited with code 70/);
          expect(neighbour.status === 'fulfilled' && neighbour.value.subject).toBe('message 103');
          expect((await pool.parse(mail(104))).subject).toBe('message 104');
          // Two crashes in a row, each with jobs queued behind it: only the crashing mails fail.
          const results = await Promise.allSettled([misbehaving('crash'), mail(105), misbehaving('crash'), mail(106), mail(107)].map((p) => pool.parse(p)));
          expect(results.map((r) => (r.status === 'fulfilled' ? r.value.subject : 'failed'))).toEqual(['failed', 'message 105', 'failed', 'message 106', 'message 107']);
        } finally {
          await pool.close();
        }
      }), 60_000);
  });
});

