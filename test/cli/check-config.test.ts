import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { baseConfig, buildOnce, tempDir, ticketd, writeConfig } from './support.js';

beforeAll(buildOnce, 180_000);

describe('ticketd check-config', () => {
  it('prints an ok summary for a valid config and exits 0', () => {
    const dir = tempDir();
    const file = writeConfig(dir, baseConfig(dir));
    const r = ticketd(['check-config', '-c', file]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`ok ${file}`);
    expect(r.stdout).toMatch(/mailbox\s+support@127\.0\.0\.1:1143\/INBOX/);
    expect(r.stdout).toMatch(/staff\s+3/);
    expect(r.stdout).toMatch(/rules\s+2/);
  });

  it('warns (exit 0) that acknowledgements can be abused as backscatter until a trusted authserv-id is set', () => {
    const dir = tempDir();
    const open = ticketd(['check-config', '-c', writeConfig(dir, baseConfig(dir))]);
    expect(open.status).toBe(0);
    expect(open.stdout).toMatch(/warning: mail_auth\.trusted_authserv_ids is empty: .*backscatter/);
    const trusted = ticketd(['check-config', '--json', '-c', writeConfig(dir, { ...baseConfig(dir), mail_auth: { trusted_authserv_ids: ['mx.agency.example'], require: 'aligned' } })]);
    expect(trusted.status).toBe(0);
    expect(JSON.parse(trusted.stdout).summary.warnings).toEqual([]);
    const bad = ticketd(['check-config', '-c', writeConfig(dir, { ...baseConfig(dir), mail_auth: { trusted_authserv_ids: ['mx'], require: 'spf' } })]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('mail_auth.require:');
  });

  it('reports bad YAML with the file and line, exit 2', () => {
    const dir = tempDir();
    const file = writeConfig(dir, 'database: x\nstaff: [\n  - id: a\n');
    const r = ticketd(['check-config', '-c', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/line \d+/);
  });

  it('lists every problem with its path: unknown rule op, unknown staff id in a type, missing env var', () => {
    const dir = tempDir();
    const c = baseConfig(dir);
    (c.rules as { match: { op: string }[] }[])[0]!.match[0]!.op = 'startswith';
    (c.request_types as { assignee?: string }[])[1]!.assignee = 'nobody';
    (c.mailbox as { password: string }).password = '${TICKETD_TEST_UNSET_PASSWORD}';
    const file = writeConfig(dir, c);
    const r = ticketd(['check-config', '-c', file], { TICKETD_TEST_UNSET_PASSWORD: undefined });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('rules.0.match.0.op:');
    expect(r.stderr).toContain('request_types.1.assignee: unknown staff id "nobody"');
    expect(r.stderr).toContain('mailbox.password: environment variable TICKETD_TEST_UNSET_PASSWORD is not set');
    expect(r.stderr).not.toContain('Too small'); // the missing variable is reported once, not twice
    expect(r.stdout).toBe('');
  });

  it('--json gives the problems as data', () => {
    const dir = tempDir();
    const c = baseConfig(dir);
    c.triage_type = 'nope';
    const r = ticketd(['check-config', '--json', '-c', writeConfig(dir, c)]);
    expect(r.status).toBe(2);
    const out = JSON.parse(r.stdout) as { ok: boolean; problems: string[] };
    expect(out.ok).toBe(false);
    expect(out.problems).toEqual(['triage_type: unknown request type "nope"']);
  });

  it('a rule pattern RE2 cannot run (backreference, lookaround) is a config error at its rule path, exit 2', () => {
    const dir = tempDir();
    const c = baseConfig(dir);
    (c.rules as unknown[]).push(
      { name: 'twice', match: [{ field: 'subject', op: 'matches', value: '\\b(\\w+) \\1\\b' }], set: { type: 'seo' } },
      { name: 'not a reply', match: [{ field: 'to', op: 'contains', value: 'support' }, { field: 'subject', op: 'matches', value: '^(?!re:)' }], set: { type: 'seo' } },
    );
    const r = ticketd(['check-config', '-c', writeConfig(dir, c)]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/rules\.2\.match\.0\.value: invalid regex \(RE2 syntax, linear time: no backreferences or lookaround\): invalid escape sequence: `\\1`/);
    expect(r.stderr).toMatch(/rules\.3\.match\.1\.value: invalid regex \(RE2 syntax, .*`\(\?!`/);
    expect(r.stdout).toBe('');
  });

  it('a missing config file is one clear problem, exit 2', () => {
    const dir = tempDir();
    const r = ticketd(['check-config', '-c', path.join(dir, 'absent.yaml')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/absent\.yaml: cannot read/);
  });

  it('`run` with an invalid config exits 2 with the problems and starts nothing', () => {
    const dir = tempDir();
    const c = baseConfig(dir);
    (c.staff as unknown[]).push({ id: 'olivia', name: 'Twin', email: 'twin@agency.example', role: 'agent' });
    const r = ticketd(['run', '--once', '-c', writeConfig(dir, c)]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('staff.3.id: duplicate staff id "olivia"');
    expect(existsSync(path.join(dir, 'ticketd.sqlite'))).toBe(false);
    expect(existsSync(path.join(dir, 'data'))).toBe(false);
  });
});

describe('ticketd usage errors', () => {
  it('an unknown command prints usage and exits 2', () => {
    const r = ticketd(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
    expect(r.stderr).toContain('Usage: ticketd');
  });

  it('an unknown flag prints the command usage and exits 2', () => {
    const r = ticketd(['list', '--frob']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown option '--frob'");
    expect(r.stderr).toContain('Usage: ticketd list');
  });

  it('--help exits 0', () => {
    const r = ticketd(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('check-config');
  });
});
