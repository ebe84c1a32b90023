import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, cliPath } from '../support/build.js';
import { writeConfigFile } from '../support/config.js';
import { removeDovecotDir, startDovecot, type RunningDovecot } from '../support/dovecot.js';
import { clientMail } from '../support/emails.js';
import { appendMail, listFolder } from '../support/mailbox.js';
import { freshUser } from '../support/ticketd.js';

// A 200 MB message in the mailbox (over the default limits.max_message_bytes of 50 MB),
// through the real Dovecot and the built CLI: `run --once` streams it to data_dir and journals
// it with the reason, ticketing the next message, with a bounded peak RSS, read by
// /usr/bin/time. Measured on a 2-core machine: `run --once` on two small messages peaks at
// about 135 MB; with the 200 MB message at 175-176 MB, and with a 400 MB one at 179 MB: the
// difference is garbage from imapflow's chunk buffers awaiting the next GC, not the message.
// Under a full parallel test run it reached 195 MB. The bound is the project's RSS target:
// holding the message whole would need at least 135 + 200 MB, far above it.

const MB = 1024 * 1024;
const PEAK_RSS_BOUND = 250 * MB;

let dovecot: RunningDovecot;
beforeAll(async () => {
  dovecot = startDovecot();
  await buildOnce();
});
afterAll(() => {
  dovecot?.stop();
  if (dovecot) removeDovecotDir(dovecot);
});

/** A 200 MB message: a short note and a base64 "video" attachment. */
function hugeMail(bytes: number): Buffer {
  const head = Buffer.from(
    [
      'From: Ana Ruiz <ana@ruiz-bikes.example>',
      'To: Support <support@agency.example>',
      'Subject: Screen recording of the checkout error',
      'Date: Mon, 23 Nov 2026 09:14:00 +0100',
      'Message-ID: <screen-recording.1@ruiz-bikes.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="rec"',
      '',
      '--rec',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The recording shows the error at the end.',
      '--rec',
      'Content-Type: video/mp4; name="checkout.mp4"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="checkout.mp4"',
      '',
      '',
    ].join('\r\n'),
  );
  const tail = Buffer.from('--rec--\r\n');
  const line = Buffer.from(`${'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx'.slice(0, 76)}\r\n`);
  const lines = Math.floor((bytes - head.length - tail.length) / line.length);
  const out = Buffer.allocUnsafe(head.length + lines * line.length + tail.length);
  head.copy(out, 0);
  for (let i = 0, at = head.length; i < lines; i++, at += line.length) line.copy(out, at);
  tail.copy(out, head.length + lines * line.length);
  return out;
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}

describe('memory with a 200 MB message in the mailbox', () => {
  it('run --once stores it on disk and journals it with the reason, tickets the next message, and its peak RSS stays under 250 MB (the message alone is 200)', async () => {
    const { user, dir } = freshUser('huge');
    let huge: Buffer | null = hugeMail(200 * MB);
    const size = huge.length;
    const sha256 = createHash('sha256').update(huge).digest('hex');
    await appendMail(dovecot, user, [huge, clientMail({ subject: 'Website down since this morning' }).raw]);
    huge = null;
    const configFile = writeConfigFile(dir, user, dovecot, { parse_workers: 1 });

    const run = spawn('/usr/bin/time', ['-v', process.execPath, cliPath, 'run', '--once', '-c', configFile], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, TICKETD_LOG_LEVEL: 'warn' },
    });
    let stderr = '';
    run.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => run.on('exit', resolve));
    expect(code, stderr).toBe(0);
    const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1]);
    expect(peakKb * 1024, `peak RSS ${Math.round(peakKb / 1024)} MB`).toBeLessThan(PEAK_RSS_BOUND);

    const db = new Database(path.join(dir, 'ticketd.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT uid, outcome, reason, server_marked, raw_path, sha256, size FROM journal ORDER BY uid').all() as {
      uid: number;
      outcome: string;
      reason: string;
      server_marked: number;
      raw_path: string;
      sha256: string;
      size: number;
    }[];
    const ticketSubjects = (db.prepare('SELECT subject FROM tickets').all() as { subject: string }[]).map((t) => t.subject);
    db.close();
    expect(rows.map((r) => [r.uid, r.outcome, r.server_marked])).toEqual([
      [1, 'failed', 1],
      [2, 'created', 1],
    ]);
    expect(rows[0]).toMatchObject({ reason: `message of ${size} bytes is over limits.max_message_bytes (52428800): stored, not parsed`, size, sha256 });
    expect(await sha256File(path.join(dir, 'data', rows[0]!.raw_path))).toBe(sha256);
    expect(ticketSubjects).toEqual(['Website down since this morning']);
    expect((await listFolder(dovecot, user)).map((m) => m.seen)).toEqual([true, true]);
  }, 300_000);
});
