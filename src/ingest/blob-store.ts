import { createHash, randomBytes } from 'node:crypto';
import {
  chmod,
  chmodSync,
  close,
  closeSync,
  createWriteStream,
  fstatSync,
  fsync,
  fsyncSync,
  mkdirSync,
  open,
  openSync,
  readFileSync,
  readSync,
  rename,
  renameSync,
  unlink,
  unlinkSync,
  writeFile,
  writeFileSync,
  writev,
} from 'node:fs';
import { chmod as chmodAsync, open as openAsync, rename as renameAsync, rm } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { threadId } from 'node:worker_threads';
import path from 'node:path';
import { TicketdError } from '../errors.js';

// Content-addressed files under data_dir: the name is the sha256 of the bytes, so the same
// attachment sent twice is stored once and a name from a mail never becomes a path.
//
// Durable before named: a file is written to a temporary name, fsynced, renamed, and its
// directory fsynced, all before the call returns; only then does a journal or attachment row
// that names it commit. A power cut therefore leaves either no file (and no row) or the whole
// file. Files are 0600 and directories 0700 whatever the umask: mail is private.
//
// Raw mail fetched in a batch is stored as one pack file per batch (storePack): the mails
// back to back, each named by the pack's path and its byte range (see packedPath). Written
// the same way (temporary name, fsync, rename, directory fsync), so one fsync covers a batch:
// a file per mail cost 0.04-0.16 ms of CPU per mail in the kernel (open, fsync, rename). Raw
// mail stored before packs, one file each, is read the same way: read() takes either path.

export type BlobKind = 'raw' | 'attachments';

export interface StoredBlob {
  sha256: string;
  /** Relative to data_dir, with forward slashes. */
  path: string;
  size: number;
}

export const sha256Hex = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/** One directory's fsyncs: the one running, and the one queued behind it that new renames join. */
interface DirSync {
  running: Promise<void> | null;
  queued: Promise<void> | null;
}

export class BlobStore {
  readonly root: string;
  // Directories known to exist (made 0700 and their entry synced): one mkdir per directory.
  private readonly dirs = new Set<string>();
  private readonly dirSyncs = new Map<string, DirSync>();
  // Directories put() renamed into since the last syncDirs().
  private readonly unsynced = new Set<string>();
  private readonly token = randomBytes(4).toString('hex');
  private writes = 0;
  // open()'s mode passes through the umask, which can only take bits away: chmod afterwards
  // only when this umask would (a worker thread can read the umask, not set it).
  private readonly umaskHidesMode = (process.umask() & FILE_MODE) !== 0;

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

  /**
   * Write the bytes, or find them already written, on this thread. The file is fsynced before
   * this returns; its directory entry only by the next syncDirs() (so the attachments of one
   * message cost one directory fsync per directory, not one each). An existing file is
   * trusted only when it holds exactly these bytes; anything else is rewritten.
   */
  put(kind: BlobKind, data: Buffer, knownSha256?: string): StoredBlob {
    const sha256 = knownSha256 ?? sha256Hex(data);
    const rel = this.relPath(kind, sha256);
    const file = this.resolve(rel);
    if (!this.holdsExactly(file, data)) {
      const tmp = this.tmpName(file);
      try {
        writeFileSync(tmp, data, { flag: 'wx', mode: FILE_MODE, flush: true });
        if (this.umaskHidesMode) chmodSync(tmp, FILE_MODE);
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
    // Also for a file found in place: a process killed between its rename and its directory
    // fsync left an entry that a power cut could still take away.
    this.unsynced.add(path.dirname(file));
    return { sha256, path: rel, size: data.length };
  }

  /** fsync every directory put() wrote into since the last call: their new entries are durable. */
  syncDirs(): void {
    for (const dir of this.unsynced) {
      try {
        fsyncPathSync(dir);
      } catch (err) {
        throw new TicketdError('STORE', `cannot sync ${path.relative(this.root, dir)} in data_dir`, { cause: err });
      }
      this.unsynced.delete(dir);
    }
  }

  /**
   * put() with the work on libuv's threads, durable (file and directory entry) when it
   * resolves: the ingest pass stores a fetched batch this way while it goes on committing the
   * previous one. Raw mail is almost never stored twice, so it does not look for the file
   * first (a stat on this thread per mail): a second copy replaces the first with the same
   * bytes, atomically, so a damaged copy is never trusted either. Concurrent writes into one
   * directory share its fsyncs (see syncDir).
   */
  async store(kind: BlobKind, data: Buffer, knownSha256?: string): Promise<StoredBlob> {
    const sha256 = knownSha256 ?? sha256Hex(data);
    const rel = this.relPath(kind, sha256);
    const file = this.resolve(rel);
    const tmp = this.tmpName(file);
    // The callback API: fs/promises' writeFile goes through a FileHandle and several promise
    // hops per file, which cost this thread more than the write itself. `flush` fsyncs the
    // file before it is closed, on the same libuv thread.
    await new Promise<void>((resolve, reject) => {
      writeFile(tmp, data, { flag: 'wx', mode: FILE_MODE, flush: true }, (err) => {
        if (err) return reject(err);
        const move = () => rename(tmp, file, (err2) => (err2 ? reject(err2) : resolve()));
        if (this.umaskHidesMode) chmod(tmp, FILE_MODE, (err3) => (err3 ? reject(err3) : move()));
        else move();
      });
    })
      .then(() => this.syncDir(path.dirname(file)))
      .catch((err: unknown) => {
        unlink(tmp, () => undefined);
        throw new TicketdError('STORE', `cannot write ${rel}`, { cause: err });
      });
    return { sha256, path: rel, size: data.length };
  }

  /**
   * Several raw mails as one pack file, durable (file and directory entry) when it resolves,
   * with the work on libuv's threads: one write, one file fsync and one directory fsync for
   * the batch. Each result names its mail's byte range in the pack (packedPath); its sha256 is
   * the mail's own. The pack's name is derived from its mails' hashes, so a batch fetched
   * again after a crash replaces its pack with the same bytes, atomically.
   */
  async storePack(kind: BlobKind, parts: readonly Buffer[], knownSha256s?: readonly string[]): Promise<StoredBlob[]> {
    if (!parts.length) return [];
    const shas = parts.map((p, i) => knownSha256s?.[i] ?? sha256Hex(p));
    const name = createHash('sha256').update(shas.map((h, i) => `${h} ${parts[i]!.length}`).join('\n')).digest('hex');
    const rel = `${kind}/packs/${name}.pack`;
    const file = this.resolve(rel);
    const tmp = this.tmpName(file);
    const total = parts.reduce((n, p) => n + p.length, 0);
    await new Promise<void>((resolve, reject) => {
      open(tmp, 'wx', FILE_MODE, (err, fd) => {
        if (err) return reject(err);
        const fail = (e: Error) => close(fd, () => reject(e));
        // libuv writes every buffer (in IOV_MAX chunks, resuming after a short write).
        writev(fd, parts as Buffer[], (e1, written) => {
          if (e1) return fail(e1);
          if (written !== total) return fail(new Error(`short write: ${written} of ${total} bytes`));
          fsync(fd, (e2) => {
            if (e2) return fail(e2);
            close(fd, (e3) => {
              if (e3) return reject(e3);
              const move = () => rename(tmp, file, (e4) => (e4 ? reject(e4) : resolve()));
              if (this.umaskHidesMode) chmod(tmp, FILE_MODE, (e5) => (e5 ? reject(e5) : move()));
              else move();
            });
          });
        });
      });
    })
      .then(() => this.syncDir(path.dirname(file)))
      .catch((err: unknown) => {
        unlink(tmp, () => undefined);
        throw new TicketdError('STORE', `cannot write ${rel}`, { cause: err });
      });
    let offset = 0;
    return parts.map((p, i) => {
      const blob = { sha256: shas[i]!, path: packedPath(rel, offset, p.length), size: p.length };
      offset += p.length;
      return blob;
    });
  }

  /** The bytes at a stored path: a whole file, or a mail's range in a pack (packedPath). */
  read(rel: string): Buffer {
    const packed = parsePackedPath(rel);
    try {
      if (!packed) return readFileSync(this.resolve(rel));
      return readRange(this.resolve(packed.file), packed.offset, packed.length);
    } catch (err) {
      throw new TicketdError('NOT_FOUND', `stored file ${rel} cannot be read`, { cause: err });
    }
  }

  /**
   * A directory fsync that covers every rename completed before it starts. Renames that
   * finish while one runs wait for the next, which they share: with 16 directories per kind,
   * a batch of a hundred mails costs a few directory fsyncs, not a hundred.
   */
  private syncDir(dir: string): Promise<void> {
    let s = this.dirSyncs.get(dir);
    if (!s) this.dirSyncs.set(dir, (s = { running: null, queued: null }));
    const state = s;
    if (state.queued) return state.queued;
    const queued = (state.running ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        // From here on a new rename is not covered: it queues the next fsync.
        state.queued = null;
        const run = fsyncPath(dir);
        state.running = run;
        return run;
      });
    state.queued = queued;
    return queued;
  }

  /** True when file exists with exactly these bytes (then it is fsynced too: it may be a dead writer's). */
  private holdsExactly(file: string, data: Buffer): boolean {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      return false;
    }
    try {
      if (fstatSync(fd).size !== data.length) return false;
      const have = Buffer.allocUnsafe(data.length);
      let got = 0;
      while (got < have.length) {
        const n = readSync(fd, have, got, have.length - got, got);
        if (n === 0) return false;
        got += n;
      }
      if (!have.equals(data)) return false;
      fsyncSync(fd);
      return true;
    } catch {
      return false;
    } finally {
      closeSync(fd);
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
      await pipeline(input, tap, createWriteStream(tmp, { flags: 'wx', mode: FILE_MODE }));
      if (this.umaskHidesMode) await chmodAsync(tmp, FILE_MODE);
      const fd = await openAsync(tmp, 'r');
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
      await this.syncDir(path.dirname(file));
      return { sha256, path: rel, size, head: Buffer.concat(head) };
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw new TicketdError('STORE', `cannot write a ${kind} stream to data_dir`, { cause: err });
    }
  }

  /** A temporary name beside the file (its directory made if needed), renamed over it when whole. */
  private tmpName(file: string): string {
    this.ensureDir(path.dirname(file));
    // Unique per process, thread, store and write (the parse workers share the process id; a
    // later process may get the same id and find a crashed one's leftover).
    return `${file}.${process.pid}.${threadId}.${this.token}.${++this.writes}.tmp`;
  }

  /**
   * Make dir and the directories between it and data_dir (data_dir too), each 0700 also when
   * an older version made it with a looser mode, and sync each new one's entry into its parent.
   */
  private ensureDir(dir: string): void {
    if (this.dirs.has(dir)) return;
    const top = dir === this.root;
    if (!top) this.ensureDir(path.dirname(dir));
    try {
      let made = false;
      try {
        if (top) {
          // data_dir's own missing parents are made too, 0700 as well (recursive mkdir returns
          // the first directory it made, undefined when there was nothing to make).
          const first = mkdirSync(dir, { mode: DIR_MODE, recursive: true });
          made = first !== undefined;
          if (first) for (let d = path.dirname(dir); d.length >= first.length; d = path.dirname(d)) chmodSync(d, DIR_MODE);
        } else {
          mkdirSync(dir, { mode: DIR_MODE });
          made = true;
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      try {
        chmodSync(dir, DIR_MODE);
      } catch (err) {
        // A data_dir someone else owns (made for us by an administrator) stays as it is.
        if (made || (err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
      }
      if (made) fsyncPathSync(path.dirname(dir));
    } catch (err) {
      throw new TicketdError('STORE', `cannot create ${path.relative(this.root, dir) || 'data_dir'}`, { cause: err });
    }
    this.dirs.add(dir);
  }

  /** Absolute path of a stored relative path; refuses anything that would leave data_dir. */
  resolve(rel: string): string {
    if (rel.includes('\0')) throw new TicketdError('STORE', 'path with NUL refused');
    const abs = path.resolve(this.root, rel);
    if (!abs.startsWith(this.root + path.sep)) throw new TicketdError('STORE', `path escapes data_dir: ${rel}`);
    return abs;
  }
}

/** A mail's path inside a pack: `raw/packs/NAME.pack#OFFSET:LENGTH` (bytes). */
export function packedPath(file: string, offset: number, length: number): string {
  return `${file}#${offset}:${length}`;
}

/**
 * The pack file and byte range of a packedPath; null for a path of a whole file (stored paths
 * never hold "#" otherwise: they are hex names under kind directories).
 */
export function parsePackedPath(rel: string): { file: string; offset: number; length: number } | null {
  const m = /^([^#]+)#(\d{1,15}):(\d{1,15})$/.exec(rel);
  return m ? { file: m[1]!, offset: Number(m[2]), length: Number(m[3]) } : null;
}

function readRange(file: string, offset: number, length: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const out = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, out, got, length - got, offset + got);
      if (n === 0) throw new Error(`${file} ends before byte ${offset + length}`);
      got += n;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

function fsyncPathSync(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncPath(dir: string): Promise<void> {
  return new Promise((resolve, reject) =>
    open(dir, 'r', (err, fd) => {
      if (err) return reject(err);
      fsync(fd, (err2) => close(fd, () => (err2 ? reject(err2) : resolve())));
    }),
  );
}
