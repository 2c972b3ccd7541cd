/**
 * The plant's docker-compose.yml and Dockerfile, checked without a Docker engine: Debian's
 * docker-compose validates the file and prints it normalised; the rest is read from that output
 * and checked against the code it starts (the CLI flags, the config files it mounts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const COMPOSE = '/usr/bin/docker-compose';
const haveCompose = existsSync(COMPOSE);
const missing = `${COMPOSE} not found: docker-compose.yml validation skipped (apt-get install docker-compose)`;
if (!haveCompose) {
  if (process.env.CI === 'true') it('docker-compose is installed', () => expect.fail(missing));
  else console.warn(missing);
}

const secrets = { NEO4J_PASSWORD: 'n', MQTT_PASSWORD: 'm' };

function compose(args: string[], env: Record<string, string> = secrets) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !(k in secrets) && k !== 'MQTT_MAX_BYTES'));
  return spawnSync(COMPOSE, ['-f', resolve(ROOT, 'docker-compose.yml'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...clean, ...env },
  });
}

/** Splits `docker-compose config` output (two-space indented, sorted) into each service's block. */
function serviceBlocks(normalised: string): Map<string, string> {
  const lines = normalised.split('\n');
  const blocks = new Map<string, string>();
  let inServices = false;
  let name: string | undefined;
  for (const line of lines) {
    if (/^\S/.test(line)) {
      inServices = line === 'services:';
      name = undefined;
      continue;
    }
    if (!inServices) continue;
    const m = /^ {2}(\S+):$/.exec(line);
    if (m) blocks.set((name = m[1]!), '');
    else if (name) blocks.set(name, blocks.get(name)! + line + '\n');
  }
  return blocks;
}

/** The YAML list under `key:` at `indent` spaces in a block, as plain strings. */
function listUnder(block: string, key: string, indent: number): string[] {
  const lines = block.split('\n');
  const start = lines.findIndex((l) => l === `${' '.repeat(indent)}${key}:`);
  if (start === -1) return [];
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    const m = new RegExp(`^ {${indent}}- (.*)$`).exec(l);
    if (!m) break;
    out.push(m[1]!.replace(/^'(.*)'$/, '$1'));
  }
  return out;
}

describe.skipIf(!haveCompose)('docker-compose.yml', () => {
  const r = compose(['config']);
  const blocks = serviceBlocks(r.stdout);

  it('is a valid compose file', () => {
    expect(compose(['config', '-q']).stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('refuses to start without the passwords it needs', () => {
    const noSecrets = compose(['config', '-q'], {});
    expect(noSecrets.status).not.toBe(0);
    expect(noSecrets.stderr).toMatch(/set NEO4J_PASSWORD|set MQTT_PASSWORD/);
  });

  it('runs Neo4j, Mosquitto, the API and an ingest worker, each with a health check', () => {
    expect([...blocks.keys()].sort()).toEqual(['mosquitto', 'neo4j', 'tracegraph-api', 'tracegraph-ingest']);
    for (const [name, block] of blocks) {
      expect(block, name).toMatch(/^ {4}healthcheck:\n {6}interval: /m);
      expect(block, name).toMatch(/^ {4}restart: unless-stopped$/m);
    }
    expect(listUnder(blocks.get('tracegraph-api')!, 'test', 6).join(' ')).toMatch(/127\.0\.0\.1:4000\/healthz/);
    expect(listUnder(blocks.get('tracegraph-ingest')!, 'test', 6).join(' ')).toMatch(/127\.0\.0\.1:9464\/metrics/);
  });

  it('starts tracegraph only once its stores are healthy, and builds it from the Dockerfile', () => {
    const ingest = blocks.get('tracegraph-ingest')!;
    const api = blocks.get('tracegraph-api')!;
    for (const dep of ['neo4j', 'mosquitto'])
      expect(ingest).toMatch(new RegExp(`^ {6}${dep}:\\n {8}condition: service_healthy$`, 'm'));
    expect(api).toMatch(/^ {6}neo4j:\n {8}condition: service_healthy$/m);
    for (const b of [api, ingest]) expect(b).toMatch(/^ {4}build:\n {6}context: \S+$/m);
    expect(ingest).toMatch(/^ {6}TRACEGRAPH_MQTT_URL: mqtt:\/\/mosquitto:1883$/m);
    expect(ingest).toMatch(/^ {6}TRACEGRAPH_NEO4J_URI: bolt:\/\/neo4j:7687$/m);
    expect(ingest).toMatch(/^ {6}TRACEGRAPH_MQTT_CLIENT_ID: \S+$/m);
  });

  it('keeps every stateful directory in a named volume', () => {
    const volumes = compose(['config', '--volumes']).stdout.trim().split('\n').sort();
    expect(volumes).toEqual(['mosquitto-data', 'neo4j-data', 'neo4j-logs', 'tracegraph-data']);
    expect(listUnder(blocks.get('neo4j')!, 'volumes', 4)).toContain('neo4j-data:/data:rw');
    expect(listUnder(blocks.get('mosquitto')!, 'volumes', 4)).toContain('mosquitto-data:/mosquitto/data:rw');
    expect(listUnder(blocks.get('tracegraph-ingest')!, 'volumes', 4)).toContain('tracegraph-data:/data:rw');
    // The broker's config is the file in this repository.
    expect(listUnder(blocks.get('mosquitto')!, 'volumes', 4)).toContain(`${ROOT}/deploy/mosquitto:/mosquitto/config:ro`);
  });

  it('starts tracegraph with flags the CLI accepts', async () => {
    for (const service of ['tracegraph-api', 'tracegraph-ingest']) {
      const [command, ...args] = listUnder(blocks.get(service)!, 'command', 4);
      const help = await runCli([command!, '--help']);
      expect(help.code, service).toBe(0);
      for (const flag of args.filter((a) => a.startsWith('--'))) expect(help.stdout, `${service} ${flag}`).toContain(flag);
    }
  });
});

describe('the image and the broker config', () => {
  it('builds from node:20-bookworm-slim with npm ci and runs the tracegraph CLI', () => {
    const docker = readFileSync(resolve(ROOT, 'Dockerfile'), 'utf8');
    expect(docker).toMatch(/^FROM node:20-bookworm-slim$/m);
    expect(docker).toMatch(/^RUN npm ci\b/m);
    expect(docker).toMatch(/^ENTRYPOINT \["node", "bin\/tracegraph\.js"\]$/m);
    expect(docker).toMatch(/^USER node$/m);
    const ignore = readFileSync(resolve(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const p of ['node_modules', '.git', 'data', 'deploy/mosquitto/passwords']) expect(ignore).toContain(p);
  });

  it('gives Mosquitto a password-protected listener on 1883 and persistent sessions', () => {
    const conf = readFileSync(resolve(ROOT, 'deploy/mosquitto/mosquitto.conf'), 'utf8');
    const settings = conf
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const at = settings.indexOf('listener 1883');
    expect(at).toBeGreaterThan(-1);
    expect(settings.slice(at + 1, at + 3)).toEqual(['allow_anonymous false', 'password_file /mosquitto/config/passwords']);
    expect(settings).toEqual(expect.arrayContaining(['persistence true', 'persistence_location /mosquitto/data/']));
  });
});
