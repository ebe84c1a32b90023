import { cleanLine } from '../mail/clean-text.js';

// Plain-text presentation shared by the read commands; the data comes from src/service.

/**
 * Columns padded to the widest cell (each cleaned to one line first); the last column is never
 * padded. `paint` may wrap a body cell, after cleaning and padding, in our own colour codes.
 */
export function table(header: string[], rows: string[][], paint?: (col: number, padded: string) => string): string {
  const all = [header, ...rows].map((r) => r.map((cell) => cleanLine(cell)));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r, row) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .map((cell, i) => (paint && row > 0 ? paint(i, cell) : cell))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

// The team's colour words (DESIGN.md): new is green, To Be Checked is yellow; blue is not a
// status but the flag "client wrote since staff last acted".
const colours: Record<string, string> = { new: 'green', tbc: 'yellow' };

export function statusCell(status: string, clientWrote: boolean): string {
  const colour = colours[status];
  return `${status}${colour ? ` (${colour})` : ''}${clientWrote ? ' +blue' : ''}`;
}

/** Cut to `max` characters on one line. */
export function oneLine(text: string | null | undefined, max = 60): string {
  return cleanLine(text ?? '', max);
}

export function indent(text: string, by = '    '): string {
  return text
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n');
}
