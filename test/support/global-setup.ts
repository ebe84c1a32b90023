import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOnce } from './build.js';

// Before any test file starts: install Dovecot once (parallel apt runs would race), and
// type-check + build dist/ once (tests spawn the real CLI and the parse workers from it).
// A type error anywhere fails the run here.
export default async function setup(): Promise<void> {
  const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/dovecot.sh');
  execFileSync('bash', [script, 'install'], { stdio: 'inherit' });
  await buildOnce();
}
