import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDovecotDir, startDovecot, type RunningDovecot } from '../support/dovecot.js';
import { appendMail } from '../support/mailbox.js';
import { buildOnce, repoRoot, tempDir, ticketd } from './support.js';

// The CLI against what the real daemon stored: the example config (through the demo's config
// writer), router's sample mails in a private Dovecot, `ticketd run --once` as a process.

let dovecot: RunningDovecot;
let config: string;
const env = { TICKETD_DEMO_IMAP_PASSWORD: 'ticketd' };
const fixture = (name: string) => readFileSync(path.join(repoRoot, 'fixtures/emails', name));
const replyToRef = [
  'From: "Dr. Sam Okafor" <sam@okafor-chiro.example>',
  'To: support@example.com',
  'Subject: Re: [REF-1000] Cancelled package still charged',
  'Message-ID: <sam-followup@okafor-chiro.example>',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Any news on this? The charge is still on our statement.',
  '',
  '> We cancelled the social media package at the end of October',
  '',
].join('\r\n');

beforeAll(async () => {
  await buildOnce();
  dovecot = startDovecot();
  const dir = tempDir();
  config = path.join(dir, 'ticketd.yaml');
  execFileSync(process.execPath, [
    path.join(repoRoot, 'dist/scripts/demo-config.js'),
    '--example', path.join(repoRoot, 'config/ticketd.example.yaml'),
    '--port', String(dovecot.imapPort),
    '--user', 'clie2e',
    '--out', config,
  ]);
  await appendMail(dovecot, 'clie2e', [
    fixture('refund-request-plain.eml'),
    fixture('seo-via-plus-address.eml'),
    fixture('bounce-dsn.eml'),
    fixture('triage-unmatched.eml'),
    Buffer.from(replyToRef),
    Buffer.from('\r\n\r\n'), // nothing usable: journaled as failed, kept for replay
  ]);
  const run = ticketd(['run', '--once', '-c', config], env);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
}, 180_000);

afterAll(() => {
  if (!dovecot) return;
  dovecot.stop();
  removeDovecotDir(dovecot);
});

describe('the CLI on what `ticketd run --once` stored', () => {
  it('list: one ticket per client request, oldest first, with type, assignee and the blue flag', () => {
    const r = ticketd(['list', '-c', config], env);
    expect(r.status).toBe(0);
    const rows = r.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s{2,}/));
    expect(rows.map((c) => c.slice(0, 4))).toEqual([
      ['REF-1000', 'new (green) +blue', 'refund', 'olivia'],
      ['SEO-1001', 'new (green)', 'seo', 'seth'],
      ['TRI-1002', 'new (green)', 'triage', '(triage)'],
    ]);
    expect(rows[0]![4]).toBe('sam@okafor-chiro.example');
  });

  it('show: the request and the threaded reply, new text only unless --full', () => {
    const r = ticketd(['show', 'REF-1000', '-c', config], env);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Messages (2)');
    expect(r.stdout).toContain('Any news on this? The charge is still on our statement.');
    expect(r.stdout).not.toContain('> We cancelled the social media package');
    expect(r.stdout).toMatch(/client_replied\s+sam@okafor-chiro\.example\s+email\s+.*"threadedBy":"subject-tag"/);
    expect(ticketd(['show', 'REF-1000', '--full', '-c', config], env).stdout).toContain('> We cancelled the social media package');
  });

  it('journal: every fetched message with its outcome and reason', () => {
    const rows = JSON.parse(ticketd(['journal', '--json', '-c', config], env).stdout) as { outcome: string; ticketKey: string | null; reason: string | null }[];
    expect(rows.map((r) => [r.outcome, r.ticketKey])).toEqual([
      ['failed', null],
      ['appended', 'REF-1000'],
      ['created', 'TRI-1002'],
      ['ignored', null],
      ['created', 'SEO-1001'],
      ['created', 'REF-1000'],
    ]);
    const ignored = ticketd(['journal', '--outcome', 'ignored', '-c', config], env).stdout;
    expect(ignored).toContain('bounce: delivery status notification (DSN)');
  });

  it('explain: looks up the daemon\'s database, so a tagged reply plans an append to its ticket', () => {
    const file = path.join(tempDir(), 'reply.eml');
    writeFileSync(file, replyToRef);
    const x = JSON.parse(ticketd(['explain', '--json', file, '-c', config], env).stdout) as {
      plan: { action: string; ticket?: { key: string } };
      lookup: string;
    };
    expect(x.lookup).toBe('database');
    expect(x.plan).toMatchObject({ action: 'append', ticket: { key: 'REF-1000' } });
  });

  it('reprocess: refuses a message already applied (exit 2), replays failed ones (still failing: exit 1)', () => {
    const [failed, appended] = JSON.parse(ticketd(['journal', '--json', '--limit', '2', '-c', config], env).stdout) as { id: number }[];
    const refused = ticketd(['reprocess', String(appended!.id), '-c', config], env);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`journal #${appended!.id} was already applied`);

    const replay = ticketd(['reprocess', '--failed', '-c', config], env);
    expect(replay.status).toBe(1);
    expect(replay.stdout.trim()).toMatch(new RegExp(`^#${failed!.id} failed → failed \\(.*empty message.*\\)$`));
    const after = JSON.parse(ticketd(['journal', '--json', '--outcome', 'failed', '-c', config], env).stdout) as { id: number; attempts: number }[];
    expect(after.map((r) => r.id)).toEqual([failed!.id]); // the same row, replayed in place
    expect((JSON.parse(ticketd(['list', '--json', '--status', 'all', '-c', config], env).stdout) as unknown[]).length).toBe(3);
  });

  it('reprocess needs exactly one of an id or --failed (exit 2)', () => {
    for (const args of [[], ['3', '--failed'], ['abc']]) {
      const r = ticketd(['reprocess', ...args, '-c', config], env);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('give a journal id');
    }
  });

  it('a second `run --once` changes nothing the CLI shows', () => {
    const before = [ticketd(['list', '--json', '--status', 'all', '-c', config], env).stdout, ticketd(['journal', '--json', '-c', config], env).stdout];
    const again = ticketd(['run', '--once', '-c', config], env);
    expect(again.status).toBe(0);
    const after = [ticketd(['list', '--json', '--status', 'all', '-c', config], env).stdout, ticketd(['journal', '--json', '-c', config], env).stdout];
    expect(after).toEqual(before);
  });
});
