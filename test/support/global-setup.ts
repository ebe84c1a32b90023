import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOnce } from './build.js';

// Before any test file starts: install Dovecot and strace once (parallel apt runs would race), and
// type-check + build dist/ once (tests spawn the real CLI and the parse workers from it).
// A type error anywhere fails the run here.
export default async function setup(): Promise<void> {
  const scripts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts');
  execFileSync('bash', [path.join(scripts, 'dovecot.sh'), 'install'], { stdio: 'inherit' });
  execFileSync('bash', [path.join(scripts, 'install-test-tools.sh')], { stdio: 'inherit' });
  await buildOnce();
}
