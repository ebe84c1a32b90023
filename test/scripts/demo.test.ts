import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from '../support/build.js';

// The README's first command, `npm run demo`, from a clone in a 0700 directory (root's home
// is one): as root, Dovecot's mail processes run as nobody and cannot enter such a checkout,
// so its files must live elsewhere. The clone shares node_modules and dist/ with this checkout
// by symlink (timestamps kept, so demo.sh sees a fresh build and does not rebuild).

const home = mkdtempSync('/tmp/tkd-home-'); // 0700, like /root
const clone = path.join(home, 'ticketd');
const env = { ...process.env, TICKETD_DEMO_IMAP_PASSWORD: 'ticketd', TICKETD_LOG_LEVEL: 'error' };
const isRoot = process.getuid?.() === 0;

function makeClone(): void {
  for (const part of ['package.json', 'src', 'scripts', 'config', 'fixtures']) {
    cpSync(path.join(root, part), path.join(clone, part), { recursive: true, preserveTimestamps: true });
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(clone, 'node_modules'));
  symlinkSync(path.join(root, 'dist'), path.join(clone, 'dist'));
}

const demo = (...args: string[]) => spawnSync('bash', [path.join(clone, 'scripts/demo.sh'), ...args], { encoding: 'utf8', env });
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

afterAll(() => {
  if (existsSync(clone)) demo('stop'); // a failed test must not leave Dovecot running
  rmSync(home, { recursive: true, force: true });
});

describe('npm run demo from a clone in a 0700 directory', () => {
  it('puts the sample mail in the mailbox, makes tickets, and `stop` finds the kept Dovecot', () => {
    expect(statSync(home).mode & 0o777).toBe(0o700);
    makeClone();

    const run = demo('--keep');
    expect(run.stderr).not.toMatch(/SERVERBUG/);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('== ticketd list');

    const config = path.join(clone, '.demo/ticketd.yaml');
    const list = JSON.parse(execFileSync('node', [path.join(clone, 'dist/src/cli/main.js'), 'list', '--status', 'all', '--json', '-c', config], { encoding: 'utf8', env })) as { key: string }[];
    expect(list.length).toBeGreaterThan(5);

    // Dovecot's files are outside the checkout, and the record in .demo/ names them.
    const dovecotDir = readFileSync(path.join(clone, '.demo/dovecot-dir'), 'utf8').trim();
    expect(dovecotDir.startsWith('/tmp/tkd-')).toBe(true);
    expect(dovecotDir.startsWith(home)).toBe(false);
    const pid = Number(readFileSync(path.join(dovecotDir, 'run/master.pid'), 'utf8'));
    expect(alive(pid)).toBe(true);

    const stop = demo('stop');
    expect(stop.status, stop.stderr).toBe(0);
    expect(alive(pid)).toBe(false);
    expect(existsSync(dovecotDir)).toBe(false);
    expect(existsSync(path.join(clone, '.demo/dovecot-dir'))).toBe(false);
  });

  it.skipIf(!isRoot)('dovecot.sh refuses, with the reason, a DIR its mail processes could not enter', () => {
    const r = spawnSync('bash', [path.join(root, 'scripts/dovecot.sh'), 'start', path.join(home, 'dc')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cannot enter');
    expect(r.stdout).not.toContain('PID=');
  });
});
