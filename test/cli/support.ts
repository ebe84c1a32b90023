import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { buildOnce, cliPath, root as repoRoot } from '../support/build.js';

export { buildOnce, cliPath, repoRoot };

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built CLI and wait for it; call `buildOnce()` in the file's beforeAll first. */
export function ticketd(args: string[], env: NodeJS.ProcessEnv = {}, cwd = repoRoot): CliResult {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, TICKETD_CONFIG: '', TICKETD_LOG_LEVEL: 'silent', ...env },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A small valid config as plain data; tests change what they need. */
export function baseConfig(dir: string): Record<string, unknown> {
  return {
    database: path.join(dir, 'ticketd.sqlite'),
    data_dir: path.join(dir, 'data'),
    support_address: 'support@agency.example',
    mailbox: { host: '127.0.0.1', port: 1143, user: 'support', password: 'ticketd', allow_plaintext: true, start_from: 'all' },
    staff: [
      { id: 'olivia', name: 'Olivia', email: 'olivia@agency.example', role: 'agent' },
      { id: 'seth', name: 'Seth', email: 'seth@agency.example', role: 'agent' },
      { id: 'lee', name: 'Lee', email: 'lee@agency.example', role: 'lead' },
    ],
    request_types: [
      { id: 'refund', prefix: 'REF', label: 'Refund / credit', assignee: 'olivia' },
      { id: 'seo', prefix: 'SEO', label: 'SEO', assignee: 'seth' },
      { id: 'triage', prefix: 'TRI', label: 'Triage' },
    ],
    triage_type: 'triage',
    // The scheduler is off: a daemon started in a test must not send a daily list because the
    // suite happens to run after 08:00 on a weekday. Scheduler tests use their own config.
    schedule: { daily_list: false, tbc_reminder: false, sweep: false },
    rules: [
      { name: 'refunds', match: [{ field: 'subject', op: 'contains', value: 'refund' }], set: { type: 'refund' } },
      { name: 'seo', match: [{ field: 'to', op: 'contains', value: 'support+seo@' }], set: { type: 'seo' } },
    ],
  };
}

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'tkd-cli-'));
}

/** Write a config (data as YAML, or raw text as is) and return its path. */
export function writeConfig(dir: string, data: Record<string, unknown> | string, name = 'ticketd.yaml'): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof data === 'string' ? data : stringify(data));
  return file;
}
