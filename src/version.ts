import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The version in our package.json, found by walking up from this file: src/ when run from
// the sources, dist/src/ when built, the package root when installed.

let cached: string | undefined;

export function packageVersion(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ticketd' && pkg.version) return (cached = pkg.version);
    } catch {
      /* not here: one level up */
    }
    dir = path.dirname(dir);
  }
  return (cached = 'unknown');
}
