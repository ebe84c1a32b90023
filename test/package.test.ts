import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, root } from './support/build.js';

// What `npm pack` ships (package.json `files`): what runs, and no tests, benches, fixtures or
// sources. The packed tree is then run: the CLI finds its templates there.

beforeAll(() => buildOnce(), 180_000);

const npm = (args: string[], cwd = root) => execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'silent' } });

describe('the npm package', () => {
  it('holds the built CLI, every template, the example config, the systemd unit and the README; no tests, benches or sources', () => {
    const [packed] = JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'])) as { files: { path: string }[] }[];
    const files = packed!.files.map((f) => f.path);
    const compiled = (readdirSync(path.join(root, 'src'), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `dist/src/${f.replace(/\.ts$/, '.js')}`);
    const templates = (readdirSync(path.join(root, 'config/templates'), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.hbs'))
      .map((f) => `config/templates/${f}`);
    expect(files).toEqual(expect.arrayContaining([...compiled, ...templates, 'config/ticketd.example.yaml', 'deploy/ticketd.service', 'README.md', 'package.json']));
    expect(files.filter((f) => /^(test|bench|fixtures|scripts|src)\/|^dist\/(test|bench|scripts)\/|\.(map|ts)$/.test(f))).toEqual([]);
  });

  it('is private and says its license', () => {
    const pkg = JSON.parse(npm(['pkg', 'get', 'private', 'license', '--json'])) as { private: boolean; license: string };
    expect(pkg).toEqual({ private: true, license: 'UNLICENSED' });
  });

  it('runs from the packed tree: check-config of the shipped example finds the shipped templates', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tkd-pack-'));
    npm(['pack', '--ignore-scripts', '--pack-destination', dir]);
    execFileSync('tar', ['xzf', path.join(dir, 'ticketd-0.1.0.tgz'), '-C', dir]);
    const pkg = path.join(dir, 'package');
    symlinkSync(path.join(root, 'node_modules'), path.join(pkg, 'node_modules'));
    const r = spawnSync(process.execPath, [path.join(pkg, 'dist/src/cli/main.js'), 'check-config', '-c', path.join(pkg, 'config/ticketd.example.yaml')], {
      encoding: 'utf8',
      env: { ...process.env, TICKETD_CONFIG: '', TICKETD_IMAP_PASSWORD: 'x', TICKETD_SMTP_PASSWORD: 'y' },
    });
    expect(r.stdout).toContain(`ok ${path.join(pkg, 'config/ticketd.example.yaml')}`);
    expect(r.status, r.stderr).toBe(0);
  });
});
