import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // One graphql for everyone: Pothos and yoga load its CommonJS build, and graphql refuses to mix
  // objects from its ESM and CommonJS copies ("from another module or realm").
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/build-cli.ts', 'test/setup/neo4j-global.ts'],
    setupFiles: ['test/setup/cleanup.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    // Two cores: two workers keep the machine responsive while Neo4j runs beside them.
    maxWorkers: 2,
    // .ci/run asks for a JSON summary too, to print a plain "N passed, N failed" line.
    ...(process.env.TRACEGRAPH_VITEST_JSON
      ? { reporters: ['default', 'json'], outputFile: { json: process.env.TRACEGRAPH_VITEST_JSON } }
      : {}),
  },
});
