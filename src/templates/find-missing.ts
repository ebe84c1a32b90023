import { errorMessage } from '../errors.js';

// Renders a template against sample data wrapped in a Proxy that notes every name the
// template asks for and the data lacks. Handlebars' own strict mode stops at the first
// missing name and does not look at helper arguments ({{#if typo}}); this sees them all.

function watch(value: unknown, prefix: string, missing: Set<string>): unknown {
  if (value === null || typeof value !== 'object') return value;
  const note = (target: object, p: string | symbol) => {
    if (typeof p === 'string' && !(p in target)) missing.add(prefix + p);
  };
  return new Proxy(value, {
    get(target, p, receiver) {
      note(target, p);
      const child = Reflect.get(target, p, receiver);
      // Items of a list keep the list's name: "tickets.kee", not "tickets.0.kee".
      const next = Array.isArray(target) || typeof p !== 'string' ? prefix : `${prefix}${p}.`;
      return watch(child, next, missing);
    },
    has(target, p) {
      note(target, p);
      return Reflect.has(target, p);
    },
    getOwnPropertyDescriptor(target, p) {
      note(target, p);
      return Reflect.getOwnPropertyDescriptor(target, p);
    },
  });
}

/** Problems as "file: unknown variable "x" (line n)", or the render error. */
export function findMissing(file: string, source: string, render: (data: unknown) => string, sample: object): string[] {
  const missing = new Set<string>();
  try {
    render(watch(sample, '', missing));
  } catch (err) {
    return [`${file}: ${errorMessage(err).split('\n')[0]}`];
  }
  return [...missing].map((name) => {
    const last = name.split('.').pop()!;
    const line = source.split('\n').findIndex((l) => new RegExp(`\\b${last.replace(/[^\w]/g, '\\$&')}\\b`).test(l));
    return `${file}: unknown variable "${name}"${line >= 0 ? ` (line ${line + 1})` : ''}`;
  });
}
