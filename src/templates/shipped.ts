import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/schema.js';

// The templates shipped in the package (config/templates), found by walking up from this
// file: the same answer from src/ under vitest and from dist/src/ when compiled.

function findShipped(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'config', 'templates');
    const up = path.dirname(dir);
    if (up === dir) throw new Error('ticketd package root not found');
    dir = up;
  }
}

export const shippedTemplatesDir = findShipped();

export const templatesDirOf = (config: Pick<Config, 'templates_dir'>): string => config.templates_dir ?? shippedTemplatesDir;
