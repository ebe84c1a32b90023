import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, cliPath } from '../support/build.js';
import { writeConfigFile } from '../support/config.js';
import { removeDovecotDir, startDovecot, type RunningDovecot } from '../support/dovecot.js';
import { clientMail } from '../support/emails.js';
import { appendMail, listFolder } from '../support/mailbox.js';
import { freshUser } from '../support/ticketd.js';

// A message that takes the whole daemon down (the test-only parse hook SIGKILLs the process,
// as a native crash or the OOM killer would), through the real Dovecot and the built CLI:
// after three such deaths it is journaled failed and marked, and the queue moves on.

let dovecot: RunningDovecot;
const children = new Set<ChildProcess>();
beforeAll(async () => {
  dovecot = startDovecot();
  await buildOnce();
});
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  dovecot?.stop();
  if (dovecot) removeDovecotDir(dovecot);
});

/** `run --once` as its own process; resolves with how it ended. */
function runOnce(configFile: string, env: Record<string, string> = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [cliPath, 'run', '--once', '-c', configFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TICKETD_LOG_LEVEL: 'warn', ...env },
  });
  children.add(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stderr });
    }),
  );
}

interface Row {
  id: number;
  uid: number;
  outcome: string | null;
  reason: string | null;
  attempts: number;
  server_marked: number;
}

function journal(dbFile: string): Row[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare('SELECT id, uid, outcome, reason, attempts, server_marked FROM journal ORDER BY uid').all() as Row[];
  } finally {
    db.close();
  }
}

describe('poison mail', () => {
  it('a message that kills the daemon three times is journaled failed and marked; its neighbours are ticketed; reprocess replays it by hand', async () => {
    const { user, dir } = freshUser('poison');
    await appendMail(dovecot, user, [
      clientMail({ subject: 'Website down since this morning' }).raw,
      clientMail({ subject: 'Refund for the double charge', headers: ['X-Test-Parse: kill-process'] }).raw,
      clientMail({ subject: 'Invoice 2231 is wrong' }).raw,
    ]);
    const configFile = writeConfigFile(dir, user, dovecot, { parse_workers: 1 });
    const dbFile = path.join(dir, 'ticketd.sqlite');
    const hooks = { TICKETD_TEST_PARSE_HOOKS: '1' };

    // Three runs, each killed while parsing the poison message.
    for (let run = 1; run <= 3; run++) {
      const r = await runOnce(configFile, hooks);
      expect(r.signal, `run ${run}: ${r.stderr}`).toBe('SIGKILL');
      const poison = journal(dbFile).find((row) => row.uid === 2)!;
      expect(poison).toMatchObject({ outcome: null, attempts: run });
    }
    // The fourth gives it up without parsing it, and decides the rest.
    const last = await runOnce(configFile, hooks);
    expect(last.code, last.stderr).toBe(0);
    const rows = journal(dbFile);
    expect(rows.map((r) => [r.uid, r.outcome, r.server_marked])).toEqual([
      [1, 'created', 1],
      [2, 'failed', 1],
      [3, 'created', 1],
    ]);
    expect(rows[1]).toMatchObject({ reason: 'crashed the daemon 3 times', attempts: 3 });
    // The innocent neighbours were never tried often enough to be suspected of it.
    expect(rows[0]!.attempts).toBeLessThan(3);
    expect(rows[2]!.attempts).toBeLessThan(3);
    expect((await listFolder(dovecot, user)).map((m) => m.seen)).toEqual([true, true, true]);

    // By hand (reprocess parses in its own process, where no hook kills it): ticketed.
    const replay = spawnSync(process.execPath, [cliPath, 'reprocess', String(rows[1]!.id), '-c', configFile], { encoding: 'utf8' });
    expect(replay.status, replay.stderr).toBe(0);
    expect(journal(dbFile)[1]).toMatchObject({ outcome: 'created', attempts: 4 });
  }, 120_000);
});
