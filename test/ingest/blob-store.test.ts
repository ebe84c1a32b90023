import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlobStore, sha256Hex } from '../../src/ingest/blob-store.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tkd-blob-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('BlobStore', () => {
  const store = new BlobStore(dir);

  it('stores raw mail by content under raw/a/<sha256>.eml', () => {
    const data = Buffer.from('Subject: hi\r\n\r\nbody\r\n');
    const blob = store.put('raw', data);
    const sha = sha256Hex(data);
    expect(blob).toEqual({ sha256: sha, path: `raw/${sha[0]}/${sha}.eml`, size: data.length });
    expect(readFileSync(path.join(dir, blob.path))).toEqual(data);
    expect(store.read(blob.path)).toEqual(data);
  });

  it('stores the same attachment once and leaves no temporary files', () => {
    const data = Buffer.from('%PDF-1.4 pretend');
    const a = store.put('attachments', data);
    const b = store.put('attachments', data);
    expect(a.path).toBe(b.path);
    expect(a.path).toMatch(/^attachments\/[0-9a-f]\/[0-9a-f]{64}$/);
    const files = readdirSync(path.join(dir, 'attachments', a.sha256[0]!));
    expect(files).toEqual([a.sha256]);
  });

  it('store() writes off the main thread to the same place put() does, once per content', async () => {
    const data = Buffer.from('Subject: stored async\r\n\r\nbody\r\n');
    const [a, b] = await Promise.all([store.store('raw', data), store.store('raw', data)]);
    expect(a).toEqual(b);
    expect(a.path).toBe(store.relPath('raw', sha256Hex(data)));
    expect(store.read(a.path)).toEqual(data);
    expect(store.put('raw', data)).toEqual(a);
    expect(readdirSync(path.join(dir, 'raw', a.sha256[0]!))).toEqual([`${a.sha256}.eml`]);
  });

  it('refuses paths that leave data_dir or carry NUL', () => {
    expect(() => store.resolve('../etc/passwd')).toThrow(/escapes/);
    expect(() => store.resolve('/etc/passwd')).toThrow(/escapes/);
    expect(() => store.resolve('raw/a\0b')).toThrow(/NUL/);
    expect(() => store.relPath('raw', '../../x')).toThrow(/sha256/);
  });
});
