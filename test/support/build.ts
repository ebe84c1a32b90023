import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Tests that spawn the real CLI (or need compiled worker threads) run the compiled dist/.
// Test files run in parallel, so the build is guarded by a lock directory and skipped when
// dist/ is newer than every source file.

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cliPath = path.join(root, 'dist/src/cli/main.js');
const stamp = path.join(root, 'dist/.built');
const lock = path.join(root, 'dist.build-lock');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

const fresh = (): boolean => {
  try {
    const built = statSync(stamp).mtimeMs;
    return ['src', 'test', 'bench', 'scripts'].every((d) => built >= newestSource(path.join(root, d)));
  } catch {
    return false;
  }
};

export async function buildOnce(): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (fresh()) return;
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file is building (or a stale lock from a killed run: taken over after 90 s).
      if (Date.now() > deadline) throw new Error('timed out waiting for the build lock');
      try {
        if (Date.now() - statSync(lock).mtimeMs > 90_000) rmdirSync(lock);
      } catch {
        /* gone meanwhile */
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (fresh()) return;
    const started = Date.now();
    execFileSync(path.join(root, 'node_modules/.bin/tsc'), ['-p', '.'], { cwd: root, stdio: 'inherit' });
    mkdirSync(path.dirname(stamp), { recursive: true });
    writeFileSync(stamp, '');
    const t = new Date(started);
    // Stamp with the build's start so an edit made during the build triggers the next one.
    utimesSync(stamp, t, t);
  } finally {
    rmdirSync(lock);
  }
}
