import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * Layers import one way: each top-level folder may import only the folders listed for it (and
 * itself). `ingest` and `reports` are siblings on the domain and do not import each other; `test/`
 * may import anything; `web/` talks to the API over HTTP and imports none of them.
 */
export const LAYERS = {
  core: [],
  cypher: ['core'],
  domain: ['core', 'cypher'],
  ingest: ['core', 'cypher', 'domain'],
  reports: ['core', 'cypher', 'domain'],
  api: ['core', 'cypher', 'domain', 'ingest', 'reports'],
  bench: ['core', 'cypher', 'domain', 'ingest', 'reports', 'api'],
  bin: ['core', 'cypher', 'domain', 'ingest', 'reports', 'api', 'bench'],
  web: [],
  // Developer scripts (schema, build, screenshots, web bench) sit beside bin.
  scripts: ['core', 'cypher', 'domain', 'ingest', 'reports', 'api', 'bench', 'bin'],
};
const TOP = [...Object.keys(LAYERS), 'test'];
const SOURCES = '{ts,tsx,js,mjs}';
/** Deep enough for every folder we have; a file deeper than this is not checked. */
const MAX_DEPTH = 8;

/**
 * A relative import names a top-level folder when it climbs exactly as many `../` as the file sits
 * deep; climbing further leaves the repository. One config block per folder and depth, since
 * `no-restricted-imports` patterns cannot see the importing file's path.
 */
function layerRules() {
  const blocks = [];
  for (const [layer, allowed] of Object.entries(LAYERS)) {
    const forbidden = TOP.filter((t) => t !== layer && !allowed.includes(t));
    const says = allowed.length
      ? `${layer}/ may import only ${allowed.join(', ')} and itself`
      : `${layer}/ imports no other folder`;
    for (let depth = 1; depth <= MAX_DEPTH; depth++) {
      const up = '\\.\\./'.repeat(depth);
      const upward = `^${up}(${forbidden.join('|')})(/|$)`;
      const message = `layers run one way (core <- cypher <- domain <- ingest | reports <- api <- bench <- bin): ${says}.`;
      blocks.push({
        files: [`${layer}/${'*/'.repeat(depth - 1)}*.${SOURCES}`],
        rules: {
          'no-restricted-imports': [
            'error',
            {
              patterns: [
                { regex: upward, message },
                { regex: `^${up}\\.\\./`, message: 'this import leaves the repository: the repository must stand alone.' },
              ],
            },
          ],
          // no-restricted-imports does not look at `import('...')`.
          'no-restricted-syntax': [
            'error',
            { selector: `ImportExpression[source.value=/${upward.replace(/\//g, '\\/')}/]`, message },
          ],
        },
      });
    }
  }
  return blocks;
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'tmp/', 'web/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
    },
  },
  ...layerRules(),
);
