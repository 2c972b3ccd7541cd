/** The plant's docker-compose runs the Neo4j version the tests and the bench run. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

describe('docker-compose.yml', () => {
  it('pins the same Neo4j version as bench/neo4j/pom.xml', () => {
    const pom = readFileSync(resolve(root, 'bench/neo4j/pom.xml'), 'utf8');
    const compose = readFileSync(resolve(root, 'docker-compose.yml'), 'utf8');
    const tested = /<neo4j\.version>([^<]+)<\/neo4j\.version>/.exec(pom)?.[1];
    const images = [...compose.matchAll(/image:\s*neo4j:(\S+)/g)].map((m) => m[1]);
    expect(tested).toMatch(/^5\.26\.\d+$/);
    expect(images).toEqual([`${tested}-community`]);
  });
});
