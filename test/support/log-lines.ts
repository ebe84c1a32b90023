import { Writable } from 'node:stream';
import pino from 'pino';
import type { Logger } from '../../src/log.js';

// A logger whose lines a test can read: the raw JSON lines as pino writes them (so a repeated
// key shows), and each parsed.

export interface LogCapture {
  log: Logger;
  raw: string[];
  lines: () => Record<string, unknown>[];
}

export function captureLog(level = 'info'): LogCapture {
  const raw: string[] = [];
  let partial = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      raw.push(...parts.filter(Boolean));
      done();
    },
  });
  // Synchronous enough for tests: pino writes each line with one write() call.
  const log = pino({ level }, sink);
  return { log, raw, lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
}
