import { isPriority, type Priority } from '../../tickets/status.js';

// The grammar of staff commands by email (README "Email commands"): `#` lines at the very top
// of a reply, before any other text. Pure: it reads text and returns what it found; checking
// who may (the ticket rules) and applying (the ticket service) are separate steps.

export type Command =
  | { kind: 'status'; to: 'open' | 'tbc' | 'closed'; line: string }
  | { kind: 'assign'; to: string; reason: string | null; line: string }
  | { kind: 'sendback'; reason: string; line: string }
  | { kind: 'type'; typeId: string; line: string }
  | { kind: 'priority'; priority: Priority; line: string }
  | { kind: 'internal'; line: string }
  /** Only in a verified staff mail to the support address: open a ticket for this client. */
  | { kind: 'client'; address: string; name: string | null; line: string }
  /** Not a command we know, or one written wrongly: nothing is relayed (a typo must not leak). */
  | { kind: 'invalid'; line: string; why: string };

export interface ParsedCommands {
  commands: Command[];
  /** The text after the command lines, trimmed. */
  body: string;
}

const MAX_LINE = 300;
const MAX_COMMANDS = 20;

const STATUS_WORDS: Record<string, 'open' | 'tbc' | 'closed'> = { open: 'open', tbc: 'tbc', closed: 'closed', close: 'closed' };

function commandOf(raw: string): Command {
  const line = raw.trim().slice(0, MAX_LINE);
  const m = /^#\s*([A-Za-z_-]+)\b\s*(.*)$/.exec(line);
  if (!m) return { kind: 'invalid', line, why: 'not a command' };
  const word = m[1]!.toLowerCase();
  const rest = m[2]!.trim();
  const args = rest ? rest.split(/\s+/) : [];
  const none = (c: Command): Command => (args.length ? { kind: 'invalid', line, why: `#${word} takes nothing after it` } : c);
  switch (word) {
    case 'open':
      return none({ kind: 'status', to: 'open', line });
    case 'tbc':
    case 'done':
      return none({ kind: 'status', to: 'tbc', line });
    case 'close':
      return none({ kind: 'status', to: 'closed', line });
    case 'status': {
      const to = args.length === 1 ? STATUS_WORDS[args[0]!.toLowerCase()] : undefined;
      return to ? { kind: 'status', to, line } : { kind: 'invalid', line, why: '#status takes one of open, tbc, closed' };
    }
    case 'assign': {
      if (!args.length) return { kind: 'invalid', line, why: '#assign needs a staff id' };
      return { kind: 'assign', to: args[0]!.toLowerCase(), reason: args.slice(1).join(' ') || null, line };
    }
    case 'sendback':
    case 'send-back':
      return rest ? { kind: 'sendback', reason: rest, line } : { kind: 'invalid', line, why: '#sendback needs a reason' };
    case 'type':
      return args.length === 1 ? { kind: 'type', typeId: args[0]!.toLowerCase(), line } : { kind: 'invalid', line, why: '#type takes one request type id' };
    case 'priority': {
      const p = args.length === 1 ? args[0]!.toLowerCase() : '';
      return isPriority(p) ? { kind: 'priority', priority: p, line } : { kind: 'invalid', line, why: '#priority takes one of low, normal, high, urgent' };
    }
    case 'internal':
    case 'note':
      return none({ kind: 'internal', line });
    case 'client': {
      // "#client Dana <dana@x>" is read as its address; the ticket service checks it is one bare mailbox.
      const named = /^([^<>]*)<([^<>\s]+)>$/.exec(rest);
      const address = named ? named[2]! : rest;
      const name = named?.[1]!.trim().replace(/^"(.*)"$/, '$1').trim() || null;
      return address && !/\s/.test(address) ? { kind: 'client', address, name, line } : { kind: 'invalid', line, why: '#client takes one email address' };
    }
    default:
      return { kind: 'invalid', line, why: `unknown command #${word}` };
  }
}

/**
 * The command lines at the very top (blank lines between them allowed), then the rest. A line
 * starting with `#` further down is ordinary text ("#1 on Google" in an answer).
 */
export function parseCommands(text: string): ParsedCommands {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const commands: Command[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    // A fullwidth "＃close" or a zero-width space before "#close" is still meant as a command:
    // read it as one (NFKC, format characters dropped), so a mistyped command blocks the relay
    // instead of reaching the client as text.
    const l = lines[i]!.normalize('NFKC').replace(/\p{Cf}/gu, '').trim();
    if (!l) continue;
    if (!l.startsWith('#')) break;
    if (commands.length === MAX_COMMANDS) {
      commands.push({ kind: 'invalid', line: l.slice(0, MAX_LINE), why: `more than ${MAX_COMMANDS} command lines` });
      continue;
    }
    commands.push(commandOf(l));
  }
  return { commands, body: lines.slice(i).join('\n').trim() };
}
