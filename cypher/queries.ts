/**
 * Loads the `.cypher` files: the graph layer's queries live there, not in string literals.
 * `{{Name}}` placeholders are filled only from fixed lists in the adapters (labels, relationship
 * types), never from user input; values always travel as `$parameters`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Backend = 'kuzu' | 'neo4j';
const root = dirname(fileURLToPath(import.meta.url));
const cache = new Map<string, string>();

function stripComments(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('//'))
    .join('\n')
    .trim();
}

/** The text of `cypher/<backend>/<name>.cypher`, comments removed, placeholders filled. */
export function query(backend: Backend, name: string, fill: Record<string, string> = {}): string {
  const key = `${backend}/${name}`;
  let text = cache.get(key);
  if (text === undefined) {
    text = stripComments(readFileSync(join(root, backend, `${name}.cypher`), 'utf8'));
    cache.set(key, text);
  }
  return text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
    const v = fill[k];
    if (v === undefined) throw new Error(`query ${key}: no value for {{${k}}}`);
    return v;
  });
}

/** A file holding several statements separated by `;` at a line end. */
export function statements(backend: Backend, name: string, fill: Record<string, string> = {}): string[] {
  return query(backend, name, fill)
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Every query file of a backend, for the linter test. */
export function queryFiles(backend: Backend): string[] {
  return readdirSync(join(root, backend))
    .filter((f) => f.endsWith('.cypher'))
    .map((f) => f.replace(/\.cypher$/, ''));
}
