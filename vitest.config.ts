import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/neo4j-global.ts'],
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
