import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedStore } from './seed.js';
import { baseConfig, buildOnce, repoRoot, tempDir, ticketd, writeConfig } from './support.js';
import { readFileSync } from 'node:fs';

beforeAll(buildOnce, 180_000);

// The first mistakes a new user makes, each answered in one sentence with exit 2 (bad usage
// or bad config), through the built CLI.

describe('a config file that is not a config', () => {
  it.each([
    ['empty', '', /^ticketd: \S+ is empty: start from config\/ticketd\.example\.yaml/],
    ['only comments', '# fill me in\n', /^ticketd: \S+ is empty: /],
    ['not YAML', 'database: [unclosed\n', /^ticketd: \S+ is not valid YAML: .* at line 2, column 1$/],
    ['a word', 'hello\n', /^ticketd: \S+ holds a line of text, not settings/],
    ['a list', '- a\n- b\n', /^ticketd: \S+ holds a list, not settings/],
  ])('%s: one sentence, exit 2', (what, text, sentence) => {
    const dir = tempDir();
    const file = writeConfig(dir, text);
    // Every command loads the config the same way; the first case tries the three kinds.
    const commands = what === 'empty' ? [['list'], ['check-config'], ['run', '--once']] : [['check-config']];
    for (const args of commands) {
      const r = ticketd([...args, '-c', file]);
      expect(r.status, args[0]).toBe(2);
      expect(r.stderr.trim(), args[0]).toMatch(sentence);
      expect(r.stderr.trim().split('\n'), args[0]).toHaveLength(1);
      expect(r.stderr).not.toMatch(/Cannot read properties|\(root\)/);
    }
  });

  it('binary: says it is not a text file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'ticketd.yaml');
    writeFileSync(file, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0xff, 0xfe, 0x0a]));
    const r = ticketd(['list', '-c', file]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`ticketd: ${file} is not a text file (binary data): start from config/ticketd.example.yaml (README "Configuration")`);
  });

  it('an unknown time zone is a config error with its path, in load and in check-config', () => {
    const dir = tempDir();
    const file = writeConfig(dir, { ...baseConfig(dir), timezone: 'America/Chicgo' });
    for (const args of [['list'], ['check-config']]) {
      const r = ticketd([...args, '-c', file]);
      expect(r.status, args[0]).toBe(2);
      expect(r.stderr, args[0]).toContain('timezone: not an IANA time zone name (e.g. America/Chicago)');
    }
  });
});

describe('filters that name nobody', () => {
  let config: string;
  beforeAll(() => {
    const dir = tempDir();
    config = writeConfig(dir, baseConfig(dir));
    seedStore(path.join(dir, 'ticketd.sqlite'));
  });

  it('list --assignee with an unknown staff id: exit 2, naming the staff ids', () => {
    const r = ticketd(['list', '--assignee', 'nobody', '-c', config]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe('ticketd: --assignee: no staff id "nobody" (staff ids: olivia, seth, lee; "none" is the triage queue)');
  });

  it('list --type with an unknown type: exit 2, naming the types', () => {
    const r = ticketd(['list', '--type', 'refunds', '-c', config]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('ticketd: --type: no request type "refunds" (types: refund, seo, triage)');
  });

  it('known ids still filter, and "none" is the triage queue', () => {
    expect(ticketd(['list', '--assignee', 'none', '-c', config]).status).toBe(0);
    expect(ticketd(['list', '--type', 'seo', '-c', config]).status).toBe(0);
  });
});

describe('explain of a file that is not a mail', () => {
  it('warns on stderr and in the output, and still explains', () => {
    const dir = tempDir();
    const config = writeConfig(dir, baseConfig(dir));
    const file = path.join(dir, 'invoice.pdf');
    writeFileSync(file, Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0, 159, 146, 150, 0])]));
    const r = ticketd(['explain', file, '-c', config]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`ticketd: warning: ${file} does not look like a mail: it holds binary data (NUL bytes)`);
    expect(r.stdout).toContain('warning: this does not look like a mail: it holds binary data');
    const json = ticketd(['explain', file, '--json', '-c', config]);
    expect((JSON.parse(json.stdout) as { notAMail: string }).notAMail).toMatch(/binary data/);
  });

  it('says nothing of the kind for a mail', () => {
    const dir = tempDir();
    const config = writeConfig(dir, baseConfig(dir));
    const file = path.join(dir, 'mail.eml');
    writeFileSync(file, 'From: Dana <dana@bakery.example>\r\nTo: support@agency.example\r\nSubject: Help\r\n\r\nHello\r\n');
    const r = ticketd(['explain', file, '-c', config]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('does not look like a mail');
  });
});

describe('ticketd --version', () => {
  it('prints the package version, exit 0', () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = ticketd([flag]);
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toBe(version);
    }
  });
});
