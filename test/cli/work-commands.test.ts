import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_REASON, seedWorkday } from './seed-work.js';
import { baseConfig, buildOnce, tempDir, ticketd, writeConfig } from './support.js';

beforeAll(buildOnce, 180_000);

// today, client, rework and list's new flags through the built CLI on a seeded store.

let config: string;
let dir: string;

beforeAll(() => {
  dir = tempDir();
  const data = baseConfig(dir) as Record<string, any>;
  data.timezone = 'America/Chicago';
  data.staff.push({ id: 'mia', name: 'Mia', email: 'mia@agency.example', role: 'manager' });
  data.staff.push({ id: 'ned', name: 'Ned', email: 'ned@agency.example', role: 'agent' }); // new: nothing yet
  data.clients = { organisations: [{ name: 'Acme', domains: ['acme.example'] }] };
  // Read commands never connect: the IMAP password's variable need not be set.
  data.mailbox.password = '${TICKETD_TEST_UNSET_PASSWORD}';
  config = writeConfig(dir, data);
  seedWorkday(path.join(dir, 'ticketd.sqlite'));
});

const ESC = '\u001b';
const keys = (list: { key: string }[] | null) => list?.map((t) => t.key) ?? null;
const json = <T>(args: string[], env: NodeJS.ProcessEnv = {}): T => {
  const r = ticketd([...args, '--json', '-c', config], env);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as T;
};

interface Today {
  staff: { id: string; role: string };
  mine: { key: string; clientWrote: boolean }[];
  toCheck: { key: string }[];
  triage: { key: string }[] | null;
}

describe('ticketd today', () => {
  it("an agent: their new and open tickets oldest first, and what they opened themselves waiting for their check; no triage", () => {
    const d = json<Today>(['today', '--as', 'olivia']);
    expect(d.staff).toEqual({ id: 'olivia', role: 'agent' });
    expect(keys(d.mine)).toEqual(['REF-1004', 'REF-1000']);
    expect(keys(d.toCheck)).toEqual(['REF-1005']);
    expect(d.triage).toBeNull();
    const text = ticketd(['today', '--as', 'olivia', '-c', config]).stdout;
    expect(text).toMatch(/^REF-1004\s+open\s+high\s+3 days\s/m);
    expect(text).toMatch(/^REF-1000\s+new \(green\) \+blue\s+normal\s+2 days\s/m);
    expect(text.indexOf('REF-1004')).toBeLessThan(text.indexOf('REF-1000'));
    expect(text).not.toContain('Triage queue');
  });

  it('a lead: management-checked tbc tickets (not an agent-opened one) and the triage queue, oldest first', () => {
    const d = json<Today>(['today', '--as', 'lee']);
    expect(keys(d.mine)).toEqual([]);
    expect(keys(d.toCheck)).toEqual(['SEO-1007', 'SEO-1001']);
    expect(keys(d.triage)).toEqual(['TRI-1006', 'TRI-1002']);
    const text = ticketd(['today', '--as', 'lee', '-c', config]).stdout;
    expect(text).toContain('Your tickets: nothing assigned to you');
    expect(text).toMatch(/Triage queue \(2\), oldest first\n.*\nTRI-1006 .*\nTRI-1002 /);
  });

  it('a manager sees what a lead sees; TICKETD_AS names them', () => {
    const d = json<Today>(['today'], { TICKETD_AS: 'mia' });
    expect(d.staff).toEqual({ id: 'mia', role: 'manager' });
    expect(keys(d.toCheck)).toEqual(['SEO-1007', 'SEO-1001']);
    expect(keys(d.triage)).toEqual(['TRI-1006', 'TRI-1002']);
  });

  it('says so when a list is empty', () => {
    const text = ticketd(['today', '--as', 'ned', '-c', config]).stdout;
    expect(text).toContain('Your tickets: nothing assigned to you');
    expect(text).toContain('Waiting for your check: nothing waiting for your check');
  });

  it('without anyone to act as, or with an unknown id: usage, exit 2', () => {
    const none = ticketd(['today', '-c', config], { TICKETD_AS: '' });
    expect(none.status).toBe(2);
    expect(none.stderr.trim()).toBe('ticketd: who is acting? pass --as ID (or set TICKETD_AS)');
    const unknown = ticketd(['today', '--as', 'olvia', '-c', config]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown staff id "olvia" (staff: olivia, seth, lee, mia, ned)');
  });
});

interface Account {
  scope: { kind: string };
  contacts: { email: string; name: string | null; lastSeen: string | null }[];
  open: { key: string; lastMessage: { authorKind: string; authorName: string | null; text: string } | null }[];
  recentlyClosed: { key: string }[];
}

describe('ticketd client', () => {
  it('by address: open tickets oldest first with their last message and who wrote it, closed ones, contact details', () => {
    const a = json<Account>(['client', 'Alice@Acme.example']);
    expect(a.scope.kind).toBe('address');
    expect(keys(a.open)).toEqual(['REF-1004', 'REF-1000']);
    expect(a.open[0]!.lastMessage).toMatchObject({ authorKind: 'staff', authorName: 'Olivia', text: 'We are on it.' });
    expect(a.open[1]!.lastMessage).toMatchObject({ authorKind: 'client', text: 'Hello, about Refund for invoice 4411.' });
    expect(keys(a.recentlyClosed)).toEqual(['REF-1008']);
    expect(a.contacts).toEqual([expect.objectContaining({ email: 'alice@acme.example', name: 'Alice Archer', lastSeen: expect.any(String) })]);
    const text = ticketd(['client', 'alice@acme.example', '-c', config]).stdout;
    expect(text).toMatch(/^REF-1004 .*\n {4}last: \d{4}-\d\d-\d\d \d\d:\d\d C[DS]T, Olivia \(staff\): We are on it\.$/m);
    expect(text).toContain('Alice Archer');
  });

  it('by domain: every address at it, not a look-alike domain', () => {
    const a = json<Account>(['client', 'acme.example']);
    expect(a.scope.kind).toBe('domain');
    expect(keys(a.open)).toEqual(['REF-1004', 'TRI-1006', 'REF-1000', 'TRI-1002']);
    expect(a.contacts.map((c) => c.email)).toEqual(['alice@acme.example', 'carol@acme.example', 'quiet@acme.example']);
  });

  it("by organisation name: its domains and the tickets recorded as the organisation's", () => {
    const a = json<Account>(['client', 'acme']);
    expect(a.scope.kind).toBe('organisation');
    expect(keys(a.open)).toEqual(['REF-1004', 'TRI-1006', 'REF-1000', 'SEO-1009', 'TRI-1002']);
    expect(keys(a.recentlyClosed)).toEqual(['REF-1008']);
  });

  it('a client we have never heard from: exit 1', () => {
    const r = ticketd(['client', 'nobody@nowhere.example', '-c', config]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('ticketd: no tickets or mail from nobody@nowhere.example');
  });

  it('a known client without tickets still gets their contact details', () => {
    const a = json<Account>(['client', 'quiet@acme.example']);
    expect(a.open).toEqual([]);
    expect(a.contacts.map((c) => [c.email, c.lastSeen])).toEqual([['quiet@acme.example', null]]);
  });
});

describe('ticketd rework', () => {
  it('CSV: RFC 4180 with CRLF, the hostile reason quoted and defused', () => {
    const r = ticketd(['rework', '--csv', '-c', config]);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\r\n')[0]).toBe('ticket,type,worker,checker,sent_back_at,reason,back_to_tbc_at');
    expect(r.stdout.endsWith('\r\n')).toBe(true);
    const quoted = `"'${HOSTILE_REASON.replace(/"/g, '""')}"`;
    expect(r.stdout).toContain(`SEO-1001,seo,seth,lee,2025-03-03T15:00:00.000Z,${quoted},2025-03-04T15:00:00.000Z\r\n`);
    expect(r.stdout).toContain(`REF-1004,refund,olivia,mia,2025-03-10T15:00:00.000Z,'-wrong amount; @finance knows,\r\n`);
  });

  it('--worker and --since (a day in the configured timezone) filter', () => {
    const rows = (...args: string[]) => json<{ ticketKey: string }[]>(['rework', ...args]).map((r) => r.ticketKey);
    expect(rows()).toEqual(['SEO-1001', 'REF-1004', 'SEO-1007']);
    expect(rows('--worker', 'seth')).toEqual(['SEO-1001', 'SEO-1007']);
    expect(rows('--since', '2025-03-10')).toEqual(['REF-1004', 'SEO-1007']);
    // 04:59 UTC on the 12th is still the 11th in Chicago.
    expect(rows('--since', '2025-03-12')).toEqual([]);
  });

  it('rejects a bad date or an unknown worker with usage, exit 2', () => {
    expect(ticketd(['rework', '--since', 'last week', '-c', config]).status).toBe(2);
    expect(ticketd(['rework', '--worker', 'nobody', '-c', config]).stderr).toContain('unknown staff id "nobody"');
  });

  it('text: the tracker table, a reworked ticket not yet back shown as such', () => {
    const text = ticketd(['rework', '-c', config]).stdout;
    expect(text).toMatch(/^REF-1004\s+refund\s+olivia\s+mia\s+2025-03-10 10:00 CDT\s+\(in rework\)\s+-wrong amount/m);
  });
});

describe('ticketd list (new flags)', () => {
  it('--mine: my tickets, by --as or TICKETD_AS; without an identity, usage', () => {
    const mine = (args: string[], env = {}) => keys(json<{ key: string }[]>(['list', '--mine', ...args], env));
    expect(mine(['--as', 'olivia'])).toEqual(['REF-1004', 'REF-1000']);
    expect(mine([], { TICKETD_AS: 'seth' })).toEqual(['SEO-1007', 'SEO-1009', 'REF-1005', 'SEO-1001']);
    expect(ticketd(['list', '--mine', '-c', config], { TICKETD_AS: '' }).status).toBe(2);
  });

  it("shows the priority, and dates in the config's timezone", () => {
    const text = ticketd(['list', '--status', 'closed', '-c', config]).stdout;
    expect(text.split('\n')[0]).toMatch(/^KEY\s+STATUS\s+TYPE\s+ASSIGNEE\s+CLIENT\s+PRIORITY\s+OPENED\s+AGE\s+SUBJECT$/);
    expect(text).toMatch(/^REF-1010\s+closed\s+refund\s+olivia\s+old@old\.example\s+normal\s+2025-01-15 12:30 CST\s+\d+ years? ago\s+Last winter$/m);
    expect(ticketd(['list', '-c', config]).stdout).toMatch(/^REF-1004\s+open\s+refund\s+olivia\s+alice@acme\.example\s+high\s/m);
  });

  it('colours the process only for a terminal: FORCE_COLOR on, NO_COLOR off, never in --json', () => {
    const piped = ticketd(['list', '-c', config]).stdout;
    expect(piped).not.toContain(ESC);
    const coloured = ticketd(['list', '-c', config], { FORCE_COLOR: '1' }).stdout;
    expect(coloured).toContain(`${ESC}[32mnew (green)${ESC}[39m ${ESC}[34m+blue${ESC}[39m`);
    expect(coloured).toContain(`${ESC}[33mtbc (yellow)${ESC}[39m`);
    expect(ticketd(['list', '-c', config], { FORCE_COLOR: '1', NO_COLOR: '1' }).stdout).not.toContain(ESC);
    expect(ticketd(['list', '--json', '-c', config], { FORCE_COLOR: '1' }).stdout).not.toContain(ESC);
    // Columns still line up: the codes go around padded cells.
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(piped);
  });

  it('needs no IMAP password, while run --once still names the missing variable, exit 2', () => {
    expect(ticketd(['list', '-c', config]).status).toBe(0);
    const run = ticketd(['run', '--once', '-c', config]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('mailbox.password: environment variable TICKETD_TEST_UNSET_PASSWORD is not set');
  });
});

describe('timezone validation', () => {
  it('a misspelt zone is a config error with its path, exit 2', () => {
    const d = tempDir();
    const r = ticketd(['list', '-c', writeConfig(d, { ...baseConfig(d), timezone: 'America/Chicgo' })]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('timezone: not an IANA time zone name');
  });
});
