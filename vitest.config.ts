import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/neo4j-global.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    // Two cores: two workers keep the machine responsive while Neo4j runs beside them.
    maxWorkers: 2,
  },
});
