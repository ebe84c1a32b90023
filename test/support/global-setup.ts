import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Install Dovecot once, before test files start theirs in parallel (apt would race).
export default function setup(): void {
  const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/dovecot.sh');
  execFileSync('bash', [script, 'install'], { stdio: 'inherit' });
}
