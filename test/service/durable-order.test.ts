import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useDovecot } from '../support/dovecot.js';
import { buildOnce, cliPath } from '../support/build.js';
import { writeConfigFile } from '../support/config.js';
import { appendMail, listFolder } from '../support/mailbox.js';
import { freshUser } from '../support/ticketd.js';

// "Once a message is marked on the server, its raw bytes, attachments and outcome are on
// disk", checked on the system calls of a real `run --once` (strace -f, every thread): each
// stored file (a batch's pack of raw mail, each attachment) is fsynced under its temporary
// name, renamed, and its directory fsynced; the
// database's WAL is fsynced after all of that (the commit naming them, synchronous=FULL);
// only then is the UID STORE written to the IMAP socket.

const dovecot = useDovecot();
beforeAll(() => buildOnce(), 180_000);

const mail = (n: number) =>
  [
    `From: Client ${n} <c${n}@client.example>`,
    'To: support@agency.example',
    `Subject: Website down ${n}`,
    `Message-ID: <order-${n}@client.example>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Screenshot attached.',
    '--b',
    `Content-Type: image/png; name="screen${n}.png"`,
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.alloc(3000, `screen ${n} `).toString('base64'),
    '--b--',
    '',
  ].join('\r\n');

interface Call {
  name: string;
  args: string;
}

/** strace -f output as completed calls in completion order (an unfinished call counts when it resumes). */
function calls(text: string): Call[] {
  const pending = new Map<string, string>();
  const out: Call[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [, pid, rest] = m as unknown as [string, string, string];
    if (rest.endsWith('<unfinished ...>')) {
      pending.set(pid, rest.slice(0, -'<unfinished ...>'.length));
      continue;
    }
    const resumed = /^<\.\.\. \w+ resumed>(.*)$/.exec(rest);
    const full = resumed ? (pending.get(pid) ?? '') + resumed[1] : rest;
    pending.delete(pid);
    const call = /^(\w+)\((.*)\)\s+=\s+(-?\d+)/.exec(full);
    if (call && call[3] !== '-1') out.push({ name: call[1]!, args: call[2]! });
  }
  return out;
}

/** The path strace -y shows for an fd argument: fsync(26</a/b>) → /a/b. */
const fdPath = (args: string): string => /^\d+<(.*)>$/.exec(args.trim())?.[1] ?? '';

describe('durable before marked', () => {
  it('stored files and their directories, then the commit, are fsynced before the server mark', async () => {
    const { user, dir } = freshUser('order');
    const configFile = writeConfigFile(dir, user, dovecot, { parse_workers: 1 });
    await appendMail(dovecot, user, [mail(1), mail(2), mail(3)]);
    const trace = path.join(dir, 'strace.txt');
    const r = spawnSync('strace', ['-f', '-y', '-s', '120', '-e', 'trace=fsync,fdatasync,rename,renameat,renameat2,write,pwrite64', '-o', trace, process.execPath, cliPath, 'run', '--once', '-c', configFile], {
      encoding: 'utf8',
      env: { ...process.env, TICKETD_LOG_LEVEL: 'silent' },
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect((await listFolder(dovecot, user)).every((m) => m.seen)).toBe(true);

    const seq = calls(readFileSync(trace, 'utf8'));
    const dataDir = path.join(dir, 'data');
    const mark = seq.findIndex((c) => c.name === 'write' && c.args.includes('UID STORE'));
    expect(mark).toBeGreaterThan(0);
    const renames = seq.flatMap((c, i) => {
      if (!c.name.startsWith('rename')) return [];
      const [from, to] = [...c.args.matchAll(/"([^"]*)"/g)].map((x) => x[1]!);
      return to?.startsWith(dataDir) ? [{ i, from: from!, to }] : [];
    });
    // The three raw mails were fetched in one batch: one pack file holds them (storePack).
    expect(renames.filter((x) => x.to.includes('/raw/')).map((x) => path.relative(dataDir, x.to))).toEqual([
      expect.stringMatching(/^raw\/packs\/[0-9a-f]{64}\.pack$/),
    ]);
    expect(renames.filter((x) => x.to.includes('/attachments/')).length).toBe(3);
    const fsyncs = seq.flatMap((c, i) => (c.name === 'fsync' || c.name === 'fdatasync' ? [{ i, file: fdPath(c.args) }] : []));
    let lastDirSync = -1;
    for (const { i, from, to } of renames) {
      const fileSync = fsyncs.find((f) => f.file === from && f.i < i);
      const dirSync = fsyncs.find((f) => f.file === path.dirname(to) && f.i > i);
      expect(fileSync, `fsync of ${from} before its rename`).toBeDefined();
      expect(dirSync, `fsync of ${path.dirname(to)} after the rename of ${to}`).toBeDefined();
      expect(dirSync!.i, `${to} durable before the server mark`).toBeLessThan(mark);
      lastDirSync = Math.max(lastDirSync, dirSync!.i);
    }
    const walSync = fsyncs.find((f) => f.file.endsWith('ticketd.sqlite-wal') && f.i > lastDirSync);
    expect(walSync, 'the commit fsynced after the files').toBeDefined();
    expect(walSync!.i).toBeLessThan(mark);
    // The daemon does not sync each commit (synchronous=NORMAL): whatever it wrote into the
    // WAL before the mark must be synced before the mark all the same.
    const walWrites = seq.flatMap((c, i) => (i < mark && c.name === 'pwrite64' && fdPath(c.args.split(',')[0]!).endsWith('ticketd.sqlite-wal') ? [i] : []));
    const lastWalWrite = Math.max(-1, ...walWrites);
    expect(lastWalWrite).toBeGreaterThan(0);
    expect(fsyncs.some((f) => f.file.endsWith('ticketd.sqlite-wal') && f.i > lastWalWrite && f.i < mark), 'every commit before the mark synced before it').toBe(true);
  }, 180_000);
});
