import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { seedStore } from './seed.js';
import { baseConfig, buildOnce, tempDir, ticketd, writeConfig } from './support.js';

beforeAll(buildOnce, 180_000);

// Rows stored before ingest cleaned its input (or written by anything else) may hold ESC,
// BEL and bidi controls: the read commands must not hand them to a terminal, in text or JSON.

const ESC = '\u001b';
const BEL = '\u0007';
const RLO = '\u202e';
const TERMINAL_ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

let config: string;
beforeAll(() => {
  const dir = tempDir();
  config = writeConfig(dir, baseConfig(dir));
  const file = path.join(dir, 'ticketd.sqlite');
  seedStore(file);
  const db = openDb(file);
  try {
    const subject = `Refund ${ESC}]0;owned${BEL}${ESC}[2J now ${RLO}fdp.exe`;
    db.prepare('UPDATE tickets SET subject = ?, opener_name = ? WHERE key = ?').run(subject, `Alice${ESC}[8m`, 'REF-1000');
    db.prepare(`UPDATE messages SET subject = ?, visible_text = ?, body_text = ? WHERE ticket_id = (SELECT id FROM tickets WHERE key = 'REF-1000')`).run(
      subject,
      `Hello ${ESC}[31mred\r\n\tnext ${RLO}line${BEL}`,
      `Hello ${ESC}[31mred\r\n\tnext ${RLO}line${BEL}`,
    );
    db.prepare('UPDATE journal SET subject = ?, from_addr = ? WHERE uid = 1').run(subject, `alice${ESC}[1m@acme.example`);
    db.prepare(`UPDATE events SET data = ? WHERE kind = 'created' AND ticket_id = (SELECT id FROM tickets WHERE key = 'REF-1000')`).run(JSON.stringify({ note: `x${ESC}[5my\u009bz` }));
  } finally {
    db.close();
  }
});

describe('read commands on stored hostile text', () => {
  it.each([
    ['show', ['show', 'REF-1000']],
    ['show --full', ['show', 'REF-1000', '--full']],
    ['list', ['list']],
    ['journal', ['journal']],
    ['today', ['today', '--as', 'olivia']],
    ['client', ['client', 'alice@acme.example']],
  ])('`%s` prints no ESC, BEL, C1 or bidi control, and keeps the words', (_what, args) => {
    const r = ticketd([...args, '-c', config]);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(TERMINAL_ACTIVE);
    expect(r.stdout).toMatch(/Refund \]0;owned ?\[2J now/);
  });

  it('`show` keeps the line breaks and tabs of a body, indented', () => {
    const r = ticketd(['show', 'REF-1000', '-c', config]);
    expect(r.stdout).toContain('    Hello [31mred\n    \tnext line\n');
  });

  it.each([
    ['show', ['show', 'REF-1000']],
    ['list', ['list']],
    ['journal', ['journal']],
    ['client', ['client', 'alice@acme.example']],
  ])('`%s --json` escapes them instead: the same data, nothing a terminal acts on', (_what, args) => {
    const r = ticketd([...args, '--json', '-c', config]);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/); // not even a tab
    expect(r.stdout).toContain('\\u001b]0;owned\\u0007');
    expect(r.stdout).toContain('\\u202efdp.exe');
  });
});
