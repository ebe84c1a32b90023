import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/service/lock.js';
import { buildOnce, cliPath } from '../support/build.js';
import { writeConfigFile } from '../support/config.js';

// One ticketd per store: a second `run` refuses while the first holds `<database>.lock`; a
// lock left by a dead process is taken over.

const dir = mkdtempSync(path.join(tmpdir(), 'tkd-lock-'));
beforeAll(() => buildOnce(), 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A PID that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid!;
}

function runCli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TICKETD_LOG_LEVEL: 'silent' } });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

describe('single-instance lock', () => {
  it('is taken on a first run, before the database directory exists', () => {
    const db = path.join(dir, 'fresh', 'sub', 'ticketd.sqlite');
    const lock = acquireLock(db);
    expect(readFileSync(`${db}.lock`, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    expect(existsSync(`${db}.lock`)).toBe(false);
  });

  it('a second run (with or without --once) and reprocess refuse while a live process holds the lock', async () => {
    // Nothing listens on port 1: a run that got past the lock would fail differently.
    const configFile = writeConfigFile(path.join(dir, 'held'), 'held', { imapPort: 1, password: 'x' });
    const lockFile = path.join(dir, 'held', 'ticketd.sqlite.lock');
    writeFileSync(lockFile, `${process.pid}\n`);
    for (const args of [['run', '--once'], ['run'], ['reprocess', '--failed']]) {
      const r = await runCli([...args, '-c', configFile]);
      expect(r.stderr).toContain(`another ticketd is running (pid ${process.pid})`);
      expect(r.code, args.join(' ')).toBe(1);
    }
    expect(readFileSync(lockFile, 'utf8').trim()).toBe(String(process.pid));
  }, 60_000);

  it('a lock whose holder is dead is taken over, and released after use', async () => {
    const configFile = writeConfigFile(path.join(dir, 'stale'), 'stale', { imapPort: 1, password: 'x' });
    const lockFile = path.join(dir, 'stale', 'ticketd.sqlite.lock');
    writeFileSync(lockFile, `${deadPid()}\n`);
    const r = await runCli(['reprocess', '--failed', '-c', configFile]);
    expect(r.stderr).not.toContain('another ticketd');
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
  }, 60_000);

  it('in one process: the second acquire refuses until the first releases', () => {
    const db = path.join(dir, 'unit.sqlite');
    const first = acquireLock(db);
    expect(() => acquireLock(db)).toThrow(`another ticketd is running (pid ${process.pid})`);
    first.release();
    acquireLock(db).release();
    expect(existsSync(`${db}.lock`)).toBe(false);
  });
});
