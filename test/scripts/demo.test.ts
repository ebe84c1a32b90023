import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from '../support/build.js';

// The README's first command, `npm run demo`, run whole (it is the first thing a user runs:
// it must not rot), from a clone in a 0700 directory (root's home is one): as root, Dovecot's
// mail processes run as nobody and cannot enter such a checkout, so its files must live
// elsewhere. The clone shares node_modules and dist/ with this checkout by symlink (timestamps
// kept, so demo.sh sees a fresh build and does not rebuild). The story's facts are checked in
// the mailboxes themselves, over IMAP, not in what the demo prints about them.

const home = mkdtempSync('/tmp/tkd-home-'); // 0700, like /root
const clone = path.join(home, 'ticketd');
const env = { ...process.env, TICKETD_LOG_LEVEL: 'error', TICKETD_CONFIG: '' };
const isRoot = process.getuid?.() === 0;

function makeClone(): void {
  for (const part of ['package.json', 'src', 'scripts', 'config', 'fixtures']) {
    cpSync(path.join(root, part), path.join(clone, part), { recursive: true, preserveTimestamps: true });
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(clone, 'node_modules'));
  symlinkSync(path.join(root, 'dist'), path.join(clone, 'dist'));
}

const demo = (...args: string[]) => spawnSync('bash', [path.join(clone, 'scripts/demo.sh'), ...args], { encoding: 'utf8', env, timeout: 180_000 });
/** Running, and not a zombie waiting for whoever adopted it to reap it. */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

/** `export A=1 B=2` lines of .demo/env. */
function demoEnv(): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of readFileSync(path.join(clone, '.demo/env'), 'utf8').split('\n')) {
    const m = /^export (.*?)(?: #.*)?$/.exec(line);
    if (m) for (const pair of m[1]!.trim().split(/\s+/)) vars[pair.slice(0, pair.indexOf('='))] = pair.slice(pair.indexOf('=') + 1);
  }
  return vars;
}

async function mailbox(port: number, user: string): Promise<ParsedMail[]> {
  const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: 'ticketd' }, logger: false });
  await c.connect();
  try {
    const lock = await c.getMailboxLock('INBOX');
    try {
      if (!c.mailbox || !c.mailbox.exists) return [];
      const rows = await c.fetchAll('1:*', { uid: true, source: true });
      return Promise.all(rows.sort((a, b) => a.uid - b.uid).map((r) => simpleParser(r.source!)));
    } finally {
      lock.release();
    }
  } finally {
    await c.logout();
  }
}

const replyToOf = (m: ParsedMail | undefined): string => m?.replyTo?.value[0]?.address ?? '';
const refsOf = (m: ParsedMail | undefined): string[] => (Array.isArray(m?.references) ? m.references : m?.references ? [m.references] : []);

afterAll(() => {
  if (existsSync(clone)) demo('stop'); // a failed test must not leave Dovecot or the relay running
  rmSync(home, { recursive: true, force: true });
});

describe('npm run demo from a clone in a 0700 directory', () => {
  it('tells the whole story through real mailboxes, leaves everything running to keep playing, and `stop` ends it', async () => {
    expect(statSync(home).mode & 0o777).toBe(0o700);
    makeClone();

    const started = Date.now();
    const run = demo();
    const seconds = (Date.now() - started) / 1000;
    expect(run.stderr).not.toMatch(/SERVERBUG/);
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    // Under a minute on an idle machine; the bound leaves room for a loaded test run.
    expect(seconds).toBeLessThan(150);

    const vars = demoEnv();
    const imap = Number(vars.DEMO_IMAP_PORT);
    const config = vars.TICKETD_CONFIG!;
    expect(config).toBe(path.join(clone, '.demo/ticketd.yaml'));
    const ticketd = (...args: string[]) => execFileSync('node', [path.join(clone, 'dist/src/cli/main.js'), ...args, '-c', config], { encoding: 'utf8', env });
    const tickets = JSON.parse(ticketd('list', '--status', 'all', '--json')) as { key: string; status: string; assignee: string; subject: string }[];
    const refund = tickets.find((t) => t.subject.startsWith('Charged twice'))!;
    const booking = tickets.find((t) => t.subject.startsWith('Booking form'))!;
    expect(tickets).toHaveLength(2);
    expect(refund).toMatchObject({ key: expect.stringMatching(/^REF-\d+$/), status: 'closed', assignee: 'olivia' });
    expect(booking).toMatchObject({ key: expect.stringMatching(/^TECH-\d+$/), status: 'tbc', assignee: 'joe' });

    // Support's mailbox: the two client mails, and Olivia's reply to her signed address.
    const support = await mailbox(imap, 'support');
    expect(support.map((m) => m.from?.value[0]?.address)).toEqual(['maria@casalopez-tapas.example', 'anna.kim@smilebright-dental.example', 'olivia@example.com']);
    const olivias = support[2]!;

    // Olivia: the assignment notice with a signed Reply-To, then the confirmation of her reply.
    const olivia = await mailbox(imap, 'olivia');
    expect(olivia).toHaveLength(2);
    const [notice, confirmation] = olivia;
    expect(notice!.subject).toContain(`[${refund.key}]`);
    expect(replyToOf(notice)).toMatch(/^support\+t\.[a-z2-7]+@example\.com$/);
    // Her reply is a real reply: to that address, on the notice's thread, the notice quoted.
    expect(olivias.to && !Array.isArray(olivias.to) ? olivias.to.value[0]?.address : '').toBe(replyToOf(notice));
    expect(olivias.inReplyTo).toBe(notice!.messageId);
    expect(olivias.text).toMatch(/^#tbc\n/);
    expect(olivias.text).toMatch(/^> /m);
    expect(confirmation!.subject).toContain(`[${refund.key}]`);
    expect(confirmation!.inReplyTo).toBe(olivias.messageId);
    expect(confirmation!.text).toContain('#tbc');

    // Maria: acknowledgement, the answer, the closed notice; all on her mail's thread, none with a signed address.
    const maria = await mailbox(imap, 'maria');
    expect(maria).toHaveLength(3);
    const [ack, answer, closed] = maria;
    const first = support[0]!.messageId!;
    for (const m of maria) {
      expect(m.subject).toContain(`[${refund.key}]`);
      expect(m.inReplyTo).toBe(first);
      expect(refsOf(m)).toContain(first);
      expect(replyToOf(m)).not.toContain('+t.');
      expect(m.from?.value[0]?.address).toBe('support@example.com');
    }
    expect(ack!.headers.get('auto-submitted')).toBe('auto-replied');
    expect(answer!.text).toContain('We refunded the second $450 today');
    expect(answer!.text).not.toContain('#tbc');
    expect(answer!.text).not.toMatch(/^>/m);
    expect(answer!.text).not.toContain('is yours now'); // the notice's words: the quote was left out
    expect(answer!.from?.value[0]?.name).toContain('Olivia');
    expect(answer!.headers.has('auto-submitted')).toBe(false);
    expect(closed!.text).toContain(refund.key);
    expect(ticketd('show', refund.key, '--json')).toContain('"status_changed"');

    // Anna: acknowledgement and Joe's answer from the CLI; Joe: his notice only.
    const anna = await mailbox(imap, 'anna.kim');
    expect(anna.map((m) => m.subject?.includes(`[${booking.key}]`))).toEqual([true, true]);
    expect(anna[1]!.text).toContain('The booking form works again');
    const joe = await mailbox(imap, 'joe');
    expect(joe).toHaveLength(1);
    expect(replyToOf(joe[0])).toMatch(/^support\+t\./);

    // The CLI steps and previews: Joe's day, the daily list, the sweep with the ticket left in tbc.
    const out = run.stdout;
    expect(out).toMatch(new RegExp(`\\$ ticketd today --as joe\\n(.*\\n)*?.*${booking.key}\\s+new`));
    expect(out).toMatch(/\$ ticketd schedule run daily_list --dry-run --at \S+\n\s+daily_list \S+ \(dry run: nothing claimed\): 1 mail\(s\)\n\s+joe <joe@example\.com>/);
    expect(out).toMatch(new RegExp(`\\$ ticketd schedule run sweep --dry-run --at \\S+\\n\\s+sweep \\S+ \\(dry run: nothing claimed\\): 1 mail\\(s\\)\\n\\s+renee <renee@example\\.com>(.*\\n)*?.*\\[${booking.key}\\]`));
    expect(out).toContain('npm run demo -- stop');

    // The reply secret is made for this run, marked demo-only, and in no committed file.
    const yaml = readFileSync(config, 'utf8');
    const secret = /secret: (demo-only-\S+)/.exec(yaml)?.[1];
    expect(secret).toBeDefined();
    expect(yaml).toContain('DEMO ONLY');
    expect(readFileSync(path.join(root, 'config/ticketd.example.yaml'), 'utf8')).not.toContain(secret!);
    expect(yaml).toMatch(/smtp:[\s\S]*allow_plaintext: true/);

    // Keep playing: `source .demo/env` gives working ticketd and demo-mail commands.
    const play = spawnSync(
      'bash',
      ['-c', `source .demo/env && demo-mail send --from maria@casalopez-tapas.example --to support@example.com --subject status --text status && ticketd run --once && demo-mail show maria`],
      { cwd: clone, encoding: 'utf8', env: { ...process.env, TICKETD_CONFIG: '' } },
    );
    expect(play.status, play.stderr).toBe(0);
    expect(play.stdout).toMatch(/--- maria #4\n(.*\n)*\s+Subject: .*\n/);

    // Dovecot's files are outside the checkout, and the record in .demo/ names them.
    const dovecotDir = readFileSync(path.join(clone, '.demo/dovecot-dir'), 'utf8').trim();
    expect(dovecotDir.startsWith('/tmp/tkd-')).toBe(true);
    expect(dovecotDir.startsWith(home)).toBe(false);
    const pid = Number(readFileSync(path.join(dovecotDir, 'run/master.pid'), 'utf8'));
    const relayPid = Number(readFileSync(path.join(dovecotDir, 'relay.pid'), 'utf8'));
    expect(alive(pid)).toBe(true);
    expect(alive(relayPid)).toBe(true);

    const stop = demo('stop');
    expect(stop.status, stop.stderr).toBe(0);
    expect(alive(pid)).toBe(false);
    expect(existsSync(dovecotDir)).toBe(false);
    expect(existsSync(path.join(clone, '.demo/dovecot-dir'))).toBe(false);
    // The relay ends on TERM once its server closes; wait for it rather than guess a time.
    for (const deadline = Date.now() + 10_000; alive(relayPid) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
    expect(alive(relayPid)).toBe(false);
  }, 240_000);

  it.skipIf(!isRoot)('dovecot.sh refuses, with the reason, a DIR its mail processes could not enter', () => {
    const r = spawnSync('bash', [path.join(root, 'scripts/dovecot.sh'), 'start', path.join(home, 'dc')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cannot enter');
    expect(r.stdout).not.toContain('PID=');
  });
});
