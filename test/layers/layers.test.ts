/**
 * The layers import one way (the rule lives in eslint.config.js), and only cypher/ speaks Cypher.
 * The lint rule is run through ESLint's own API on small sources placed in the tree, so a rule that
 * stopped firing fails here; the tree itself is checked by a plain scan of its relative imports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE = /\.(ts|tsx|js|mjs)$/;

function sourceFiles(dir: string): string[] {
  const abs = join(ROOT, dir);
  let names: string[];
  try {
    names = readdirSync(abs, { recursive: true, encoding: 'utf8' });
  } catch {
    return []; // a layer that does not exist yet (reports/, web/)
  }
  return names
    .filter((n) => SOURCE.test(n) && !n.split(sep).includes('node_modules') && !n.split(sep).includes('dist'))
    .map((n) => posix.join(dir, n.split(sep).join('/')));
}

/** Relative module specifiers of static imports, re-exports and dynamic imports. */
function relativeImports(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)'(\.{1,2}\/[^']+)'/g)) found.push(m[1]!);
  return found;
}

describe('layer rule (eslint.config.js)', () => {
  let eslint: ESLint;
  let layers: Record<string, string[]>;

  beforeAll(async () => {
    eslint = new ESLint({ cwd: ROOT });
    const config = (await import(pathToFileURL(join(ROOT, 'eslint.config.js')).href)) as { LAYERS: Record<string, string[]> };
    layers = config.LAYERS;
  });

  async function problems(filePath: string, code: string): Promise<string[]> {
    const [r] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
    return r!.messages.filter((m) => m.ruleId?.startsWith('no-restricted')).map((m) => m.message);
  }

  it('rejects core importing the API server', async () => {
    const found = await problems(
      'core/x.ts',
      "import { createApiServer } from '../api/server.ts';\nexport const f = createApiServer;\n",
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/layers run one way.*core\/ imports no other folder/);
  });

  it('rejects domain code reaching into api/ from a nested folder', async () => {
    const found = await problems(
      'domain/auth/x.ts',
      "import type { ApiContext } from '../../api/builder.ts';\nexport type X = ApiContext;\n",
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/domain\/ may import only core, cypher and itself/);
  });

  it('keeps the siblings ingest and reports apart, also through re-exports', async () => {
    expect(await problems('ingest/monitor/x.ts', "export { x } from '../../reports/x.ts';\n")).toHaveLength(1);
    expect(await problems('reports/x.ts', "export * from '../ingest/files.ts';\n")).toHaveLength(1);
  });

  it('rejects a dynamic import upward and any import of test/ outside test/', async () => {
    expect(await problems('api/x.ts', "export const load = () => import('../bin/cli.ts');\n")).toHaveLength(1);
    expect(await problems('bench/x.ts', "import '../test/helpers/stores.ts';\n")).toHaveLength(1);
  });

  it('rejects an import that leaves the repository', async () => {
    const found = await problems('api/schema/x.ts', "import '../../../elsewhere/x.ts';\n");
    expect(found.some((m) => /leaves the repository/.test(m))).toBe(true);
  });

  it('accepts imports downward and within a folder', async () => {
    const code = [
      "import type { GraphStore } from '../../cypher/port.ts';",
      "import { TracegraphError } from '../../core/errors.ts';",
      "import type { AuditTrail } from '../../domain/audit/trail.ts';",
      "import { Pipeline } from '../../ingest/pipeline/pipeline.ts';",
      "import { builder } from '../builder.ts';",
      'export type X = [GraphStore, AuditTrail, typeof TracegraphError, typeof Pipeline, typeof builder];',
      '',
    ].join('\n');
    expect(await problems('api/schema/x.ts', code)).toEqual([]);
    expect(await problems('test/x.ts', "import '../bin/cli.ts';\nimport '../api/server.ts';\n")).toEqual([]);
  });

  it('no file of the tree imports a folder its layer may not', () => {
    const wrong: string[] = [];
    let seen = 0;
    for (const [layer, allowed] of Object.entries(layers)) {
      for (const file of sourceFiles(layer)) {
        for (const spec of relativeImports(readFileSync(join(ROOT, file), 'utf8'))) {
          seen++;
          const target = posix.normalize(posix.join(posix.dirname(file), spec));
          const top = target.split('/')[0]!;
          if (top === layer || allowed.includes(top)) continue;
          // The launcher runs the compiled copy of the tree (dist/ is its build output, not a layer).
          if (file === 'bin/tracegraph.js' && top === 'dist') continue;
          wrong.push(`${file} imports ${spec}`);
        }
      }
    }
    expect(seen, 'the scan found the imports of the tree').toBeGreaterThan(300);
    expect(wrong).toEqual([]);
  });
});

/** Clause shapes only Cypher has: the checks look for these in strings outside cypher/. */
const CYPHER = [
  /\b(?:OPTIONAL\s+)?MATCH\s*\(\s*\w*\s*(?::\s*\w+)?[\s{)]/,
  /\bMERGE\s*\(\s*\w*\s*:/,
  /\bCREATE\s+(?:NODE|REL)\s+TABLE\b/,
  /\bUNWIND\s+\$\w+\s+AS\b/,
  /\bDETACH\s+DELETE\b/,
  /-\[:\w+/,
];

describe('only cypher/ speaks Cypher', () => {
  const outside = ['core', 'domain', 'ingest', 'reports', 'api', 'bench', 'bin', 'web'];

  it('the detector recognises a query (so the scan below can fail)', () => {
    const q = 'MATCH (l:Lot {id: $id})-[:INPUT_TO]->(o:Operation) RETURN o.id';
    expect(CYPHER.some((re) => re.test(q))).toBe(true);
    expect(CYPHER.some((re) => re.test('UNWIND $rows AS r MERGE (u:Unit {id: r.id})'))).toBe(true);
    expect(CYPHER.some((re) => re.test('match the spec that applies (equipment, recipe)'))).toBe(false);
  });

  it('no source file outside cypher/ (and test/) holds a query or a .cypher file', () => {
    const found: string[] = [];
    for (const dir of outside) {
      let names: string[] = [];
      try {
        names = readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' });
      } catch {
        continue;
      }
      for (const n of names) if (n.endsWith('.cypher')) found.push(`${dir}/${n}`);
      for (const file of sourceFiles(dir)) {
        const text = readFileSync(join(ROOT, file), 'utf8');
        for (const re of CYPHER) if (re.test(text)) found.push(`${relative(ROOT, join(ROOT, file))}: ${re}`);
      }
    }
    expect(found).toEqual([]);
  });
});
