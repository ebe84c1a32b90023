import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlobStore, packedPath, parsePackedPath, sha256Hex } from '../../src/ingest/blob-store.js';

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

  it('put() rewrites a stored file whose size or bytes are wrong instead of trusting it', () => {
    const data = Buffer.from('%PDF-1.4 the real attachment');
    const blob = store.put('attachments', data);
    const file = path.join(dir, blob.path);
    writeFileSync(file, data.subarray(0, 10)); // cut short (a crash of an older version)
    expect(store.put('attachments', data)).toEqual(blob);
    expect(readFileSync(file)).toEqual(data);
    writeFileSync(file, Buffer.alloc(data.length, 0)); // right size, wrong bytes (zeroed blocks)
    store.put('attachments', data);
    expect(readFileSync(file)).toEqual(data);
  });

  it('storePack() writes a batch of raw mail as one file and reads each mail back by its range', async () => {
    const mails = ['Subject: one\r\n\r\nfirst\r\n', 'Subject: two\r\n\r\nsecond, longer\r\n', ''].map((m) => Buffer.from(m));
    const blobs = await store.storePack('raw', mails);
    expect(blobs.map((b) => b.sha256)).toEqual(mails.map(sha256Hex));
    expect(blobs.map((b) => b.size)).toEqual(mails.map((m) => m.length));
    const files = new Set(blobs.map((b) => parsePackedPath(b.path)!.file));
    expect(files.size).toBe(1);
    const [file] = [...files];
    expect(file).toMatch(/^raw\/packs\/[0-9a-f]{64}\.pack$/);
    expect(readFileSync(path.join(dir, file!))).toEqual(Buffer.concat(mails));
    blobs.forEach((b, i) => expect(store.read(b.path)).toEqual(mails[i]));
    expect(readdirSync(path.join(dir, 'raw', 'packs')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // The same batch again (refetched after a crash): the same pack, its bytes replaced whole.
    expect(await store.storePack('raw', mails)).toEqual(blobs);
    expect(await store.storePack('raw', [])).toEqual([]);
  });

  it('reads raw mail stored one file per mail (before packs) beside packed mail', async () => {
    const old = store.put('raw', Buffer.from('Subject: stored by an older version\r\n\r\nx\r\n'));
    const [packed] = await store.storePack('raw', [Buffer.from('Subject: packed\r\n\r\ny\r\n')]);
    expect(store.read(old.path).toString()).toContain('older version');
    expect(store.read(packed!.path).toString()).toContain('packed');
  });

  it('a packed range past the end of its pack, or outside data_dir, is refused', async () => {
    const [b] = await store.storePack('raw', [Buffer.from('Subject: short\r\n\r\n')]);
    const { file, length } = parsePackedPath(b!.path)!;
    expect(() => store.read(packedPath(file, 1, length))).toThrow(/cannot be read/);
    expect(() => store.read(packedPath('../outside.pack', 0, 1))).toThrow(expect.objectContaining({ cause: expect.objectContaining({ message: expect.stringMatching(/escapes/) }) }));
  });

  it('store() replaces a damaged copy of raw mail', async () => {
    const data = Buffer.from('Subject: damaged\r\n\r\nbody\r\n');
    const blob = await store.store('raw', data);
    writeFileSync(path.join(dir, blob.path), 'garbage');
    await store.store('raw', data);
    expect(store.read(blob.path)).toEqual(data);
  });
});

describe('packed paths', () => {
  it('name a byte range of a pack file and round-trip', () => {
    expect(packedPath('raw/packs/ab.pack', 120, 7)).toBe('raw/packs/ab.pack#120:7');
    expect(parsePackedPath('raw/packs/ab.pack#120:7')).toEqual({ file: 'raw/packs/ab.pack', offset: 120, length: 7 });
  });

  it('a whole file\'s path (the layout before packs) or a malformed range is not a packed path', () => {
    expect(parsePackedPath(`raw/a/${'a'.repeat(64)}.eml`)).toBeNull();
    expect(parsePackedPath('raw/packs/ab.pack#12')).toBeNull();
    expect(parsePackedPath('raw/packs/ab.pack#-1:3')).toBeNull();
    expect(parsePackedPath('#1:3')).toBeNull();
  });
});

describe('BlobStore file modes', () => {
  const modes = async (umask: number) => {
    const root = path.join(dir, `mode-${umask.toString(8)}`, 'data');
    const was = process.umask(umask);
    try {
      const s = new BlobStore(root);
      const raw = await s.store('raw', Buffer.from(`Subject: mode ${umask}\r\n\r\nx\r\n`));
      const [packed] = await s.storePack('raw', [Buffer.from(`Subject: packed ${umask}\r\n\r\nx\r\n`)]);
      const pack = parsePackedPath(packed!.path)!.file;
      const att = s.put('attachments', Buffer.from(`attachment ${umask}`));
      s.syncDirs();
      const mode = (p: string) => (statSync(path.join(root, p)).mode & 0o777).toString(8);
      return {
        files: [mode(raw.path), mode(pack), mode(att.path)],
        dirs: [mode('.'), mode('raw'), mode(path.dirname(raw.path)), mode(path.dirname(pack)), mode('attachments'), mode(path.dirname(att.path)), mode('..')],
      };
    } finally {
      process.umask(was);
    }
  };

  it('files are 0600 and directories 0700 under a permissive umask', async () => {
    expect(await modes(0)).toEqual({ files: ['600', '600', '600'], dirs: Array(7).fill('700') });
  });

  it('and still 0600/0700 under a umask that would take the owner bits away', async () => {
    expect(await modes(0o277)).toEqual({ files: ['600', '600', '600'], dirs: Array(7).fill('700') });
  });
});
