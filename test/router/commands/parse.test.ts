import { describe, expect, it } from 'vitest';
import { parseCommands } from '../../../src/router/commands/parse.js';

describe('command lines', () => {
  it('reads the lines at the very top, case-insensitive, and leaves the rest as the body', () => {
    const r = parseCommands('#TBC\n#Priority High\n\nHi Maria,\n\nIt is fixed.\n#1 on Google again!');
    expect(r.commands).toEqual([
      { kind: 'status', to: 'tbc', line: '#TBC' },
      { kind: 'priority', priority: 'high', line: '#Priority High' },
    ]);
    expect(r.body).toBe('Hi Maria,\n\nIt is fixed.\n#1 on Google again!');
  });

  it('reads a fullwidth "＃" or a zero-width space before "#" as a command line, so a typo there blocks the relay', () => {
    expect(parseCommands('＃close\nThanks').commands).toEqual([{ kind: 'status', to: 'closed', line: '#close' }]);
    expect(parseCommands('\u200b#clsoe\nThanks').commands).toEqual([{ kind: 'invalid', line: '#clsoe', why: 'unknown command #clsoe' }]);
  });

  it('knows every command', () => {
    const r = parseCommands('#open\n#close\n#status closed\n#assign Lee Seth is away\n#sendback The hours are wrong\n#type seo\n#note\n#internal');
    expect(r.commands.map((c) => c.kind)).toEqual(['status', 'status', 'status', 'assign', 'sendback', 'type', 'internal', 'internal']);
    expect(r.commands[3]).toEqual({ kind: 'assign', to: 'lee', reason: 'Seth is away', line: '#assign Lee Seth is away' });
    expect(r.commands[4]).toMatchObject({ reason: 'The hours are wrong' });
    expect(r.body).toBe('');
  });

  it('marks a typo or a bad argument as invalid, with why', () => {
    const r = parseCommands('#internl\n#status done\n#priority soon\n#assign\nText');
    expect(r.commands).toEqual([
      { kind: 'invalid', line: '#internl', why: 'unknown command #internl' },
      { kind: 'invalid', line: '#status done', why: '#status takes one of open, tbc, closed' },
      { kind: 'invalid', line: '#priority soon', why: '#priority takes one of low, normal, high, urgent' },
      { kind: 'invalid', line: '#assign', why: '#assign needs a staff id' },
    ]);
    expect(r.body).toBe('Text');
  });

  it('reads #client as one address, with or without a name', () => {
    expect(parseCommands('#client dana@bakery.example').commands).toEqual([{ kind: 'client', address: 'dana@bakery.example', name: null, line: '#client dana@bakery.example' }]);
    expect(parseCommands('#client "Dana W" <dana@bakery.example>').commands[0]).toMatchObject({ kind: 'client', address: 'dana@bakery.example', name: 'Dana W' });
    expect(parseCommands('#client dana@bakery.example, tom@bakery.example').commands[0]).toMatchObject({ kind: 'invalid', why: '#client takes one email address' });
    expect(parseCommands('#client').commands[0]).toMatchObject({ kind: 'invalid' });
  });

  it('finds no commands when text comes first', () => {
    expect(parseCommands('Hello\n#close')).toEqual({ commands: [], body: 'Hello\n#close' });
  });
});
