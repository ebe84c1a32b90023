import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../support/build.js';

// deploy/ticketd.service: verified by systemd itself (scripts/install-test-tools.sh installs
// systemd-analyze, so this never skips), and its hardening read back key by key: verify
// only warns about a misspelt key, so the keys are checked here too.

const unitFile = path.join(root, 'deploy/ticketd.service');
const unit = readFileSync(unitFile, 'utf8');

/** The unit's [Service] section as key → values (a key may repeat). */
function section(name: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current = '';
  for (const raw of unit.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) current = head[1]!;
    else if (current === name) {
      const eq = line.indexOf('=');
      const key = line.slice(0, eq);
      out.set(key, [...(out.get(key) ?? []), line.slice(eq + 1)]);
    }
  }
  return out;
}

describe('deploy/ticketd.service', () => {
  it('passes systemd-analyze verify without a warning', () => {
    // The same unit with ExecStart's node replaced by this node: verify checks that the binary
    // exists, and CI's node may live elsewhere than /usr/bin/node.
    const dir = mkdtempSync(path.join(tmpdir(), 'tkd-unit-'));
    const copy = path.join(dir, 'ticketd.service');
    writeFileSync(copy, unit.replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `));
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', copy], { encoding: 'utf8' });
    expect(r.error, 'systemd-analyze missing: run scripts/install-test-tools.sh').toBeUndefined();
    expect(r.stderr.split('\n').filter((l) => l.includes(copy) || l.includes('ticketd.service'))).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('runs the built CLI, restarts on failure but not on a bad config, with the usual hardening', () => {
    const s = section('Service');
    const one = (k: string) => s.get(k)?.at(-1);
    expect(one('ExecStart')).toBe('/usr/bin/node /opt/ticketd/dist/src/cli/main.js run');
    expect(one('Restart')).toBe('on-failure');
    expect(one('RestartPreventExitStatus')).toBe('2');
    expect(one('EnvironmentFile')).toBe('/etc/ticketd/ticketd.env');
    expect(s.get('Environment')).toContain('TICKETD_CONFIG=/etc/ticketd/ticketd.yaml');
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('PrivateTmp')).toBe('yes');
    expect(one('ProtectHome')).toBe('yes');
    expect(one('ReadWritePaths')).toBe('/var/lib/ticketd');
    expect(one('StateDirectory')).toBe('ticketd');
    expect(one('User')).toBe('ticketd');
    expect(section('Install').get('WantedBy')).toEqual(['multi-user.target']);
  });

  it('its ExecStart is the package bin', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(section('Service').get('ExecStart')![0]).toContain(`/opt/ticketd/${pkg.bin.ticketd}`);
  });
});
