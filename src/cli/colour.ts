// The process colours on a terminal (seeds/002): green new, blue "client wrote", yellow tbc.
// Only for people at a terminal: never in --json, never when piped, never with NO_COLOR
// (no-color.org). FORCE_COLOR=1 turns them on without a terminal (tests, `less -R`).

export function useColour(env: NodeJS.ProcessEnv = process.env, isTty = Boolean(process.stdout.isTTY)): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return isTty;
}

const SGR = { green: 32, yellow: 33, blue: 34 } as const;
const paint = (text: string, colour: keyof typeof SGR): string => `\u001b[${SGR[colour]}m${text}\u001b[39m`;

/**
 * Colour a status cell as `statusCell` wrote it ("new (green) +blue", padded): the status
 * words in the status colour, the "+blue" mark in blue. The cell is our own text.
 */
export function paintStatus(cell: string): string {
  return cell
    .replace(/^(new(?: \(green\))?)/, (m) => paint(m, 'green'))
    .replace(/^(tbc(?: \(yellow\))?)/, (m) => paint(m, 'yellow'))
    .replace(/\+blue/, (m) => paint(m, 'blue'));
}
