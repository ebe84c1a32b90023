import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './support/build.js';

// DESIGN.md: imports point one way (cli → service → router/outbox/templates/ingest →
// tickets, mail, store) and there are no import circles. Read from the sources, type imports too.

const src = path.join(root, 'src');
const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => path.join(src, f));
const graph = new Map(
  files.map((f) => {
    const deps = [...readFileSync(f, 'utf8').matchAll(/^(?:import|export)[^;]*?from\s+'(\.[^']+)'/gms)].map((m) =>
      path.join(path.dirname(f), m[1]!.replace(/\.js$/, '.ts')),
    );
    return [f, deps] as const;
  }),
);
const layer = (f: string): number | undefined =>
  ({ cli: 0, service: 1, router: 2, outbox: 2, templates: 2, ingest: 2, tickets: 3, mail: 3, store: 3 } as Record<string, number>)[
    path.relative(src, f).split(path.sep)[0]!
  ];
const rel = (f: string) => path.relative(src, f);

describe('imports', () => {
  it('form no circle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 1 | 2>();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, 1);
      stack.push(f);
      for (const d of graph.get(f) ?? []) {
        if (state.get(d) === 1) cycles.push([...stack.slice(stack.indexOf(d)), d].map(rel).join(' → '));
        else if (!state.has(d)) visit(d);
      }
      stack.pop();
      state.set(f, 2);
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it('point down the layers: the outbox, router and ingest never import the service, nothing imports the CLI', () => {
    const upward = [...graph].flatMap(([f, deps]) =>
      deps.filter((d) => layer(f) !== undefined && layer(d) !== undefined && layer(d)! < layer(f)!).map((d) => `${rel(f)} → ${rel(d)}`),
    );
    // The store implements the router's lookup port (its type only): a port, not a dependency on stages.
    expect(upward).toEqual(['store/lookup.ts → router/types.ts']);
  });
});
