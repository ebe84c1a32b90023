import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rename, renameSync, unlink, unlinkSync, writeFile, writeFileSync } from 'node:fs';
import { open, rename as renameAsync, rm } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { threadId } from 'node:worker_threads';
import path from 'node:path';
import { TicketdError } from '../errors.js';

// Content-addressed files under data_dir: the name is the sha256 of the bytes, so the same
// attachment sent twice is stored once and a name from a mail never becomes a path.

export type BlobKind = 'raw' | 'attachments';

export interface StoredBlob {
  sha256: string;
  /** Relative to data_dir, with forward slashes. */
  path: string;
  size: number;
}

export const sha256Hex = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

export class BlobStore {
  readonly root: string;
  // Directories known to exist: one mkdir per directory, not per file.
  private readonly dirs = new Set<string>();
  private readonly token = randomBytes(4).toString('hex');
  private writes = 0;

  constructor(dataDir: string) {
    this.root = path.resolve(dataDir);
  }

  // One hex digit of fan-out: 16 directories per kind. With two digits a new data_dir made
  // 512 directories over its first few thousand mails, and on a fresh ext4 each new directory
  // cost about 0.6 ms (it is placed in an unused block group, which is then initialised):
  // 3% of the first ingest's CPU. Tens of thousands of files per directory are fine for
  // ext4/xfs. Paths are stored per row, so files written under the older two-digit layout
  // are still read; only their de-duplication is lost (one more copy of a repeated file).
  relPath(kind: BlobKind, sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new TicketdError('STORE', `not a sha256: ${sha256}`);
    return `${kind}/${sha256[0]}/${sha256}${kind === 'raw' ? '.eml' : ''}`;
  }

  /** Write (or find already written) the bytes; atomic: a crash leaves no half file under the name. */
  put(kind: BlobKind, data: Buffer, knownSha256?: string): StoredBlob {
    const sha256 = knownSha256 ?? sha256Hex(data);
    const rel = this.relPath(kind, sha256);
    const file = this.resolve(rel);
    if (!existsSync(file)) {
      const tmp = this.tmpName(file);
      try {
        writeFileSync(tmp, data, { flag: 'wx' });
        renameSync(tmp, file);
      } catch (err) {
        try {
          unlinkSync(tmp);
        } catch {
          /* never created */
        }
        throw new TicketdError('STORE', `cannot write ${rel}`, { cause: err });
      }
    }
    return { sha256, path: rel, size: data.length };
  }

  /**
   * put() with the write on libuv's threads: the ingest pass stores a fetched batch this way
   * while it goes on committing the previous one (writing fresh page-cache pages is a large
   * part of storing a mail). Raw mail is almost never stored twice, so it does not look for
   * the file first (a stat on this thread per mail): a second copy replaces the first with
   * the same bytes, atomically.
   */
  async store(kind: BlobKind, data: Buffer, knownSha256?: string): Promise<StoredBlob> {
    const sha256 = knownSha256 ?? sha256Hex(data);
    const rel = this.relPath(kind, sha256);
    const file = this.resolve(rel);
    const tmp = this.tmpName(file);
    // The callback API: fs/promises' writeFile goes through a FileHandle and several promise
    // hops per file, which cost this thread more than the write itself.
    await new Promise<void>((resolve, reject) => {
      writeFile(tmp, data, { flag: 'wx' }, (err) => {
        if (err) return reject(err);
        rename(tmp, file, (err2) => (err2 ? reject(err2) : resolve()));
      });
    }).catch((err: unknown) => {
      unlink(tmp, () => undefined);
      throw new TicketdError('STORE', `cannot write ${rel}`, { cause: err });
    });
    return { sha256, path: rel, size: data.length };
  }

  read(rel: string): Buffer {
    try {
      return readFileSync(this.resolve(rel));
    } catch (err) {
      throw new TicketdError('NOT_FOUND', `stored file ${rel} cannot be read`, { cause: err });
    }
  }

  /**
   * Stream bytes into the store without holding them (a message over limits.max_message_bytes):
   * written to a temporary file while hashed, fsynced, then renamed to its content address.
   * `head` is the first headBytes of it (the header block, for the journal).
   */
  async storeStream(kind: BlobKind, input: Readable, headBytes = 256 * 1024): Promise<StoredBlob & { head: Buffer }> {
    const dir = this.resolve(kind);
    const tmp = this.tmpName(path.join(dir, 'incoming'));
    const hash = createHash('sha256');
    const head: Buffer[] = [];
    let size = 0;
    let headSize = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        if (headSize < headBytes) {
          const part = chunk.subarray(0, headBytes - headSize);
          head.push(Buffer.from(part)); // a copy: the chunk itself is let go
          headSize += part.length;
        }
        done(null, chunk);
      },
    });
    try {
      await pipeline(input, tap, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
      const fd = await open(tmp, 'r');
      try {
        await fd.sync();
      } finally {
        await fd.close();
      }
      const sha256 = hash.digest('hex');
      const rel = this.relPath(kind, sha256);
      const file = this.resolve(rel);
      this.tmpName(file); // its directory made
      await renameAsync(tmp, file);
      const dirFd = await open(path.dirname(file), 'r');
      try {
        await dirFd.sync();
      } finally {
        await dirFd.close();
      }
      return { sha256, path: rel, size, head: Buffer.concat(head) };
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw new TicketdError('STORE', `cannot write a ${kind} stream to data_dir`, { cause: err });
    }
  }

  /** A temporary name beside the file (its directory made if needed), renamed over it when whole. */
  private tmpName(file: string): string {
    const dir = path.dirname(file);
    if (!this.dirs.has(dir)) {
      try {
        mkdirSync(dir, { recursive: true });
      } catch (err) {
        throw new TicketdError('STORE', `cannot create ${path.relative(this.root, dir)} in data_dir`, { cause: err });
      }
      this.dirs.add(dir);
    }
    // Unique per process, thread, store and write (the parse workers share the process id; a
    // later process may get the same id and find a crashed one's leftover).
    return `${file}.${process.pid}.${threadId}.${this.token}.${++this.writes}.tmp`;
  }

  /** Absolute path of a stored relative path; refuses anything that would leave data_dir. */
  resolve(rel: string): string {
    if (rel.includes('\0')) throw new TicketdError('STORE', 'path with NUL refused');
    const abs = path.resolve(this.root, rel);
    if (!abs.startsWith(this.root + path.sep)) throw new TicketdError('STORE', `path escapes data_dir: ${rel}`);
    return abs;
  }
}
