import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/service/lock.js';
import { buildOnce, cliPath } from '../support/build.js';
import { writeConfigFile } from '../support/config.js';
import { waitFor } from '../support/mailbox.js';

// One ticketd per store. The lock is a kernel lock on `<database>.lock` (SQLite's fcntl locks,
// held for the life of the process), so a process that died holds nothing; `<database>.pid`
// only names the holder in the refusal. Through the built CLI, with a mailbox on port 1
// (nothing listens there): `run` keeps the lock and retries the mailbox until SIGTERM.

const dir = mkdtempSync(path.join(tmpdir(), 'tkd-lock-'));
const children: ChildProcess[] = [];
beforeAll(() => buildOnce(), 180_000);
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const isRoot = process.getuid?.() === 0;
const env = { ...process.env, TICKETD_LOG_LEVEL: 'silent' };

interface Started {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** The CLI (optionally behind a command such as unshare), not waited for. */
function start(args: string[], prefix: string[] = []): Started {
  const [cmd, ...rest] = prefix.length ? [...prefix, process.execPath] : [process.execPath];
  const child = spawn(cmd!, [...rest, cliPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, exited };
}

const run = (args: string[], prefix: string[] = []) => start(args, prefix).exited;
const pidIn = (file: string): string | null => (existsSync(file) ? readFileSync(file, 'utf8').trim() : null);

function store(name: string) {
  const base = path.join(dir, name);
  const configFile = writeConfigFile(base, name, { imapPort: 1, password: 'x' });
  const db = path.join(base, 'ticketd.sqlite');
  return { configFile, lockFile: `${db}.lock`, pidFile: `${db}.pid` };
}

// A container's init: the CLI as PID 1 of a new PID namespace. --kill-child: when unshare is
// killed, its child (our PID 1) is SIGKILLed with it, as a container runtime's kill does.
const asPid1 = ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child=SIGKILL'];

describe('single-instance lock', () => {
  it('in one process: the second acquire refuses until the first releases', () => {
    const db = path.join(dir, 'fresh', 'sub', 'ticketd.sqlite');
    const first = acquireLock(db);
    expect(readFileSync(`${db}.pid`, 'utf8').trim()).toBe(String(process.pid));
    expect((statSync(`${db}.lock`).mode & 0o777).toString(8)).toBe('600');
    expect(() => acquireLock(db)).toThrow(`another ticketd is running (pid ${process.pid})`);
    first.release();
    expect(existsSync(`${db}.pid`)).toBe(false);
    acquireLock(db).release();
  });

  it('a second run (with or without --once) and reprocess refuse while a live ticketd holds the lock', async () => {
    const s = store('held');
    const holder = start(['run', '-c', s.configFile]);
    await waitFor('the holder to take the lock', () => pidIn(s.pidFile) === String(holder.child.pid));
    for (const args of [['run', '--once'], ['run'], ['reprocess', '--failed']]) {
      const r = await run([...args, '-c', s.configFile]);
      expect(r.stderr).toContain(`another ticketd is running (pid ${holder.child.pid})`);
      expect(r.code, args.join(' ')).toBe(1);
    }
    holder.child.kill('SIGTERM');
    expect((await holder.exited).code).toBe(0);
    expect(existsSync(s.pidFile)).toBe(false);
  }, 60_000);

  it('a holder killed with SIGKILL holds nothing: the next start gets the lock', async () => {
    const s = store('killed');
    const holder = start(['run', '-c', s.configFile]);
    await waitFor('the holder to take the lock', () => pidIn(s.pidFile) === String(holder.child.pid));
    holder.child.kill('SIGKILL');
    await holder.exited;
    expect(pidIn(s.pidFile)).toBe(String(holder.child.pid)); // stale, and harmless
    const r = await run(['reprocess', '--failed', '-c', s.configFile]);
    expect(r.stderr).not.toContain('another ticketd');
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);

  it('two simultaneous starters over a stale lock: exactly one wins, the other names it', async () => {
    const s = store('race');
    // What a killed older ticketd left: its PID file lock naming a dead PID.
    writeFileSync(s.lockFile, `${spawnSync(process.execPath, ['-e', '0']).pid}\n`);
    const starters = [0, 1, 2].map(() => start(['run', '-c', s.configFile]));
    // Every loser exits at once; the winner runs until told to stop.
    const winner = await waitFor('one starter to hold the lock', () => winnerOf(s.pidFile, starters));
    const others = starters.filter((st) => st !== winner);
    for (const o of others) {
      const r = await o.exited;
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`another ticketd is running (pid ${winner.child.pid})`);
    }
    expect(winner.child.exitCode).toBeNull();
    winner.child.kill('SIGTERM');
    expect((await winner.exited).code).toBe(0);
  }, 60_000);

  it.skipIf(!isRoot)('a container restarted after kill -9 of its PID 1 starts again as PID 1', async () => {
    const s = store('pid1');
    const first = start(['run', '-c', s.configFile], asPid1);
    await waitFor('PID 1 to take the lock', () => pidIn(s.pidFile) === '1');
    first.child.kill('SIGKILL'); // unshare, and with it our PID 1
    await first.exited;
    expect(pidIn(s.pidFile)).toBe('1'); // stale: the new PID 1 is the same number
    const again = await run(['reprocess', '--failed', '-c', s.configFile], asPid1);
    expect(again.stderr).not.toContain('another ticketd');
    expect(again.code, again.stderr).toBe(0);
    // An older ticketd's PID file lock naming PID 1 does not block PID 1 either.
    writeFileSync(s.lockFile, '1\n');
    const legacy = await run(['reprocess', '--failed', '-c', s.configFile], asPid1);
    expect(legacy.code, legacy.stderr).toBe(0);
  }, 60_000);
});

/** The starter named by the PID file, once it is one of them and still running. */
function winnerOf(pidFile: string, starters: Started[]): Started | undefined {
  const pid = pidIn(pidFile);
  return starters.find((st) => String(st.child.pid) === pid && st.child.exitCode === null);
}
