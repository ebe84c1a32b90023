import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';

const valid = () => ({
  database: 'db/ticketd.sqlite',
  data_dir: 'data',
  support_address: 'support@agency.example',
  mailbox: { host: '127.0.0.1', port: 1143, user: 'support', password: '${IMAP_PASSWORD}' },
  staff: [
    { id: 'olivia', name: 'Olivia', email: 'olivia@agency.example', role: 'agent' },
    { id: 'lead', name: 'Lee', email: 'lee@agency.example', role: 'lead' },
  ],
  request_types: [
    { id: 'refund', prefix: 'REF', label: 'Refund / credit', assignee: 'olivia' },
    { id: 'triage', prefix: 'TRI', label: 'Triage' },
  ],
  triage_type: 'triage',
  rules: [{ name: 'refunds', match: [{ field: 'subject', op: 'contains', value: 'refund' }], set: { type: 'refund' } }],
});

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config loading', () => {
  it('fills defaults, substitutes ${ENV} and resolves paths against the config file', () => {
    const c = parseConfig(valid(), '/etc/ticketd', { IMAP_PASSWORD: 's3cret' });
    expect(c.mailbox.password).toBe('s3cret');
    expect(c.mailbox.folder).toBe('INBOX');
    expect(c.mailbox.poll_seconds).toBe(60);
    expect(c.database).toBe('/etc/ticketd/db/ticketd.sqlite');
    expect(c.data_dir).toBe('/etc/ticketd/data');
    expect(c.request_types[1]!.assignee).toBeNull();
    expect(c.rules[0]!.continue).toBe(false);
  });

  it('reports every problem with its path, not just the first', () => {
    const bad = valid() as Record<string, any>;
    bad.rules = [{ name: 'x', match: [{ field: 'sender', op: 'like', value: 'a' }], set: { type: 'nope' } }];
    bad.request_types[0].assignee = 'nobody';
    bad.triage_type = 'missing';
    const problems = problemsOf(() => parseConfig(bad, '/', {}));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^mailbox\.password: environment variable IMAP_PASSWORD is not set/),
        expect.stringMatching(/^rules\.0\.match\.0\.field: /),
        expect.stringMatching(/^rules\.0\.match\.0\.op: /),
      ]),
    );
    // Cross-references are checked once the shape is right.
    const bad2 = valid() as Record<string, any>;
    bad2.request_types[0].assignee = 'nobody';
    bad2.triage_type = 'missing';
    bad2.rules[0].set.type = 'nope';
    expect(problemsOf(() => parseConfig(bad2, '/', { IMAP_PASSWORD: 'x' }))).toEqual([
      'request_types.0.assignee: unknown staff id "nobody"',
      'triage_type: unknown request type "missing"',
      'rules.0.set.type: unknown request type "nope"',
    ]);
  });

  it('processed_folder must differ from folder; INBOX compares case-insensitively, other names do not', () => {
    const withFolders = (folder: string | undefined, processed: string) => {
      const c = valid() as Record<string, any>;
      c.mailbox = { ...c.mailbox, ...(folder === undefined ? {} : { folder }), processed_folder: processed };
      return c;
    };
    const problems = (c: unknown) => {
      try {
        parseConfig(c, '/', { IMAP_PASSWORD: 'x' });
        return [];
      } catch (err) {
        if (err instanceof ConfigError) return err.problems;
        throw err;
      }
    };
    const same = ['mailbox.processed_folder: must differ from mailbox.folder'];
    expect(problems(withFolders(undefined, 'Inbox'))).toEqual(same);
    expect(problems(withFolders('inbox', 'INBOX'))).toEqual(same);
    expect(problems(withFolders('Support', 'Support'))).toEqual(same);
    expect(problems(withFolders('Support', 'support'))).toEqual([]);
    expect(problems(withFolders('INBOX', 'Processed'))).toEqual([]);
  });

  it('rejects an invalid regex in a matches rule at load time', () => {
    const bad = valid() as Record<string, any>;
    bad.rules[0].match[0] = { field: 'subject', op: 'matches', value: '(unclosed' };
    expect(problemsOf(() => parseConfig(bad, '/', { IMAP_PASSWORD: 'x' }))[0]).toMatch(
      /^rules\.0\.match\.0\.value: invalid regex/,
    );
  });

  it('reports YAML syntax errors and unreadable files as config problems', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tkd-cfg-'));
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'database: [unclosed\n');
    expect(problemsOf(() => loadConfig(file))[0]).toContain(file);
    expect(problemsOf(() => loadConfig(path.join(dir, 'missing.yaml')))[0]).toMatch(/cannot read/);
  });
});

describe('config loading without secrets (commands that never connect)', () => {
  it('leaves the IMAP and SMTP password placeholders unresolved and still substitutes the rest', () => {
    const data = valid() as Record<string, any>;
    data.smtp = { host: '127.0.0.1', port: 25, from: 'support@agency.example', user: 'u', password: '${SMTP_PASSWORD}' };
    data.data_dir = '${DATA_DIR}';
    const c = parseConfig(data, '/', { DATA_DIR: '/srv/data' }, { secrets: false });
    expect(c.mailbox.password).toBe('${IMAP_PASSWORD}');
    expect(c.smtp!.password).toBe('${SMTP_PASSWORD}');
    expect(c.data_dir).toBe('/srv/data');
  });

  it('still reports a missing variable outside the passwords, and every other problem', () => {
    const data = valid() as Record<string, any>;
    data.mailbox.user = '${IMAP_USER}';
    data.staff[0].role = 'boss';
    const problems = problemsOf(() => parseConfig(data, '/', {}, { secrets: false }));
    expect(problems).toContain('mailbox.user: environment variable IMAP_USER is not set');
    expect(problems.some((p) => p.startsWith('staff.0.role:'))).toBe(true);
    expect(problems.join('\n')).not.toContain('IMAP_PASSWORD');
  });

  it('with secrets (the default) a missing password variable is a problem', () => {
    expect(problemsOf(() => parseConfig(valid(), '/', {}))).toEqual(['mailbox.password: environment variable IMAP_PASSWORD is not set']);
  });
});

describe('timezone and staff logins', () => {
  it('accepts an IANA zone name and rejects a misspelt one with its path', () => {
    expect(parseConfig({ ...valid(), timezone: 'America/Chicago' }, '/', { IMAP_PASSWORD: 'x' }).timezone).toBe('America/Chicago');
    expect(problemsOf(() => parseConfig({ ...valid(), timezone: 'America/Chicgo' }, '/', { IMAP_PASSWORD: 'x' }))).toEqual([
      'timezone: not an IANA time zone name (e.g. America/Chicago)',
    ]);
  });

  it('takes an optional OS login per staff member, each login once', () => {
    const data = valid() as Record<string, any>;
    data.staff[0].login = 'olivia.p';
    expect(parseConfig(data, '/', { IMAP_PASSWORD: 'x' }).staff[0]!.login).toBe('olivia.p');
    data.staff[1].login = 'olivia.p';
    expect(problemsOf(() => parseConfig(data, '/', { IMAP_PASSWORD: 'x' }))).toEqual(['staff.1.login: duplicate staff login "olivia.p"']);
  });
});
