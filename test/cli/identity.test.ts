import { describe, expect, it } from 'vitest';
import { actorFrom } from '../../src/cli/identity.js';
import { parseConfig } from '../../src/config/load.js';
import { TicketdError } from '../../src/errors.js';
import { baseConfig } from './support.js';

const config = (() => {
  const data = baseConfig('/tmp/identity') as { staff: Record<string, unknown>[] };
  data.staff[0]!.login = 'opark';
  return parseConfig(data, '/', {});
})();

const usage = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof TicketdError && err.code === 'USAGE') return err.message;
    throw err;
  }
  throw new Error('expected a usage error');
};

describe('who acts on the CLI', () => {
  it('--as first, then TICKETD_AS, then the OS login matched against staff[].login', () => {
    expect(actorFrom(config, { as: 'lee' }, { TICKETD_AS: 'seth' }, () => 'opark')).toEqual({ kind: 'staff', id: 'lee', role: 'lead' });
    expect(actorFrom(config, {}, { TICKETD_AS: 'seth' }, () => 'opark')).toEqual({ kind: 'staff', id: 'seth', role: 'agent' });
    expect(actorFrom(config, {}, {}, () => 'opark')).toEqual({ kind: 'staff', id: 'olivia', role: 'agent' });
  });

  it('nobody to act as: a usage error asking for --as', () => {
    expect(usage(() => actorFrom(config, {}, {}, () => 'root'))).toBe('who is acting? pass --as ID (or set TICKETD_AS)');
    expect(usage(() => actorFrom(config, {}, {}, () => null))).toBe('who is acting? pass --as ID (or set TICKETD_AS)');
  });

  it('an unknown staff id is a usage error naming it and where it came from', () => {
    expect(usage(() => actorFrom(config, { as: 'olvia' }, {}, () => null))).toBe('--as names unknown staff id "olvia" (staff: olivia, seth, lee)');
    expect(usage(() => actorFrom(config, {}, { TICKETD_AS: 'bob' }, () => null))).toContain('TICKETD_AS names unknown staff id "bob"');
  });
});
