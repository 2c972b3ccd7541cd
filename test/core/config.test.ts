/** One configuration from file and environment: precedence, validation messages, and the documented table. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, SETTINGS } from '../../core/config.ts';
import { isTracegraphError } from '../../core/errors.ts';
import { tempDir } from '../helpers/stores.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function configFile(content: unknown): string {
  const file = path.join(tempDir('tracegraph-config-'), 'tracegraph.config.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function configError(load: () => unknown): string {
  try {
    load();
  } catch (e) {
    if (isTracegraphError(e) && e.code === 'CONFIG') return e.message;
    throw e;
  }
  throw new Error('the configuration was accepted, expected a CONFIG error');
}

describe('configuration from file and environment', () => {
  it('takes every key from the file, and the environment wins where both set it', () => {
    const file = configFile({
      dataDir: '/srv/file-data',
      kuzuBufferMb: 256,
      neo4j: { uri: 'bolt://file:7687', user: 'file-user', maxPoolSize: 10 },
      mqtt: { url: 'mqtt://file:1883', connections: 2 },
      login: { windowSeconds: 30 },
      metrics: { port: 9100 },
    });
    const env = {
      TRACEGRAPH_CONFIG: file,
      TRACEGRAPH_DATA: '/srv/env-data',
      TRACEGRAPH_NEO4J_USER: 'env-user',
      TRACEGRAPH_MQTT_CONNECTIONS: '4',
      TRACEGRAPH_LOGIN_LOCKOUT_SECONDS: '60',
      TRACEGRAPH_DEBUG: '1',
      // Empty counts as unset: it does not hide the file's value.
      TRACEGRAPH_MQTT_URL: '',
    };
    const c = loadConfig({}, env);
    expect(c.dataDir).toBe('/srv/env-data');
    expect(c.kuzuBufferMb).toBe(256);
    expect(c.neo4j).toEqual({ uri: 'bolt://file:7687', user: 'env-user', maxPoolSize: 10 });
    expect(c.mqtt).toMatchObject({
      url: 'mqtt://file:1883',
      connections: 4,
      clientId: expect.stringMatching(/^tracegraph-ingest-/),
    });
    expect(c.login).toEqual({ windowMs: 30_000, lockoutMs: 60_000 });
    expect(c.metrics).toEqual({ port: 9100, host: '127.0.0.1' });
    expect(c.debug).toBe(true);
    expect(c.profile).toBe(false);
  });

  it('lets a command-line flag win over the environment and the file', () => {
    const file = configFile({ dataDir: '/srv/file-data', mqtt: { url: 'mqtt://file:1883' } });
    const env = { TRACEGRAPH_CONFIG: file, TRACEGRAPH_DATA: '/srv/env-data', TRACEGRAPH_MQTT_URL: 'mqtt://env:1883' };
    const c = loadConfig({ dataDir: '/srv/flag-data', mqttUrl: 'mqtt://flag:1883' }, env);
    expect(c.dataDir).toBe('/srv/flag-data');
    expect(c.mqtt?.url).toBe('mqtt://flag:1883');
  });

  it('reads kuzuBufferMb from the file', () => {
    const c = loadConfig({}, { TRACEGRAPH_CONFIG: configFile({ kuzuBufferMb: 512 }) });
    expect(c.kuzuBufferMb).toBe(512);
    expect(loadConfig({}, { TRACEGRAPH_CONFIG: '', TRACEGRAPH_KUZU_BUFFER_MB: '128' }).kuzuBufferMb).toBe(128);
  });

  it('has the defaults when nothing is set, and an empty TRACEGRAPH_CONFIG means no file', () => {
    const c = loadConfig({}, { TRACEGRAPH_CONFIG: '' });
    expect(c).toMatchObject({
      dataDir: './data',
      debug: false,
      profile: false,
      noProgress: false,
      metrics: { host: '127.0.0.1' },
    });
    expect(c.neo4j).toBeUndefined();
    expect(c.mqtt).toBeUndefined();
    expect(c.opcua).toBeUndefined();
  });

  it('rejects an unknown key in the file, naming the key, the file and the keys it could have meant', () => {
    const file = configFile({ mqtt: { url: 'mqtt://b:1883', conections: 2 }, kuzuBuferMb: 1 });
    const message = configError(() => loadConfig({}, { TRACEGRAPH_CONFIG: file }));
    expect(message).toContain(`config file ${file}: unknown key mqtt.conections (known here: url, clientId,`);
    expect(message).toContain(`config file ${file}: unknown key kuzuBuferMb`);
    // A misspelt first key of a section is reported too, not taken for a section that is off.
    const typo = configFile({ neo4j: { urii: 'bolt://db:7687' } });
    expect(configError(() => loadConfig({}, { TRACEGRAPH_CONFIG: typo }))).toBe(
      `configuration: neo4j.uri (TRACEGRAPH_NEO4J_URI) is missing; config file ${typo}: unknown key neo4j.urii (known here: uri, user, password, database, maxPoolSize, timeoutMs)`,
    );
  });

  it('rejects an unknown TRACEGRAPH_ variable, but leaves the test tooling’s own switches alone', () => {
    const message = configError(() => loadConfig({}, { TRACEGRAPH_CONFIG: '', TRACEGRAPH_NEO4J_URL: 'bolt://x:7687' }));
    expect(message).toMatch(/environment variable TRACEGRAPH_NEO4J_URL: not a setting/);
    expect(() =>
      loadConfig({}, { TRACEGRAPH_CONFIG: '', TRACEGRAPH_TEST_NEO4J: 'off', TRACEGRAPH_NEO4J_CACHE: '/tmp' }),
    ).not.toThrow();
  });

  it('rejects a bad value, naming the key, its source and the value', () => {
    expect(configError(() => loadConfig({}, { TRACEGRAPH_CONFIG: '', TRACEGRAPH_KUZU_BUFFER_MB: '1.5' }))).toBe(
      'configuration: environment variable TRACEGRAPH_KUZU_BUFFER_MB: must be a whole number, got 1.5',
    );
    expect(
      configError(() =>
        loadConfig({}, { TRACEGRAPH_CONFIG: '', TRACEGRAPH_MQTT_URL: 'mqtt://b', TRACEGRAPH_MQTT_CONNECTIONS: 'many' }),
      ),
    ).toBe('configuration: environment variable TRACEGRAPH_MQTT_CONNECTIONS: must be a number, got "many"');
    expect(configError(() => loadConfig({}, { TRACEGRAPH_CONFIG: '', TRACEGRAPH_PROFILE: 'sometimes' }))).toMatch(
      /environment variable TRACEGRAPH_PROFILE: must be true or false/,
    );
    const file = configFile({ mqtt: { url: 'mqtt://b:1883', connections: 65 } });
    expect(configError(() => loadConfig({}, { TRACEGRAPH_CONFIG: file }))).toBe(
      `configuration: mqtt.connections in config file ${file}: must be 64 or less, got 65`,
    );
  });

  it('keeps secrets out of its messages', () => {
    const file = configFile({ neo4j: { uri: 'bolt://db:7687', password: 12345 } });
    const message = configError(() => loadConfig({}, { TRACEGRAPH_CONFIG: file }));
    expect(message).toContain('neo4j.password in config file');
    expect(message).not.toContain('12345');
  });

  it('uses a section only once its first key is given, by any source', () => {
    const env = { TRACEGRAPH_CONFIG: '', TRACEGRAPH_NEO4J_USER: 'neo4j', TRACEGRAPH_MQTT_CONNECTIONS: '4' };
    const off = loadConfig({}, env);
    expect(off.neo4j).toBeUndefined();
    expect(off.mqtt).toBeUndefined();
    expect(loadConfig({ mqttUrl: 'mqtt://flag:1883' }, env).mqtt).toMatchObject({ url: 'mqtt://flag:1883', connections: 4 });
    const file = configFile({ mqtt: { clientId: 'from-file' } });
    expect(loadConfig({}, { TRACEGRAPH_CONFIG: file, TRACEGRAPH_MQTT_URL: 'mqtt://env:1883' }).mqtt?.clientId).toBe('from-file');
  });

  it('says which file it could not read', () => {
    expect(configError(() => loadConfig({}, { TRACEGRAPH_CONFIG: '/nonexistent/tracegraph.json' }))).toMatch(
      /^cannot read config file \/nonexistent\/tracegraph\.json: ENOENT/,
    );
    const broken = configFile('{"dataDir": ');
    expect(configError(() => loadConfig({}, { TRACEGRAPH_CONFIG: broken }))).toMatch(`cannot read config file ${broken}:`);
  });

  it('has every setting from both sources: a variable for each file key, each documented in docs/configuration.md', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/configuration.md'), 'utf8');
    expect(SETTINGS.length).toBeGreaterThan(25);
    expect(new Set(SETTINGS.map((s) => s.env)).size).toBe(SETTINGS.length);
    for (const s of SETTINGS) {
      expect(doc, s.env).toMatch(new RegExp(`\\| \`${s.key.replace('.', '\\.')}\` \\| \`${s.env}\` \\|`));
      // The file form and the variable form of the same setting give the same value.
      // corsOrigins takes origins only
      const value =
        s.type === 'number' ? 7 : s.type === 'boolean' ? true : s.key === 'corsOrigins' ? 'https://x.example' : 'x-value';
      const fileContent: Record<string, unknown> = {};
      const [a, b] = s.key.split('.') as [string, string | undefined];
      const section = { neo4j: { uri: 'bolt://db:7687' }, mqtt: { url: 'mqtt://b:1883' }, opcua: { mappingFile: 'm.json' } };
      if (b) fileContent[a] = { ...(section as Record<string, object>)[a], [b]: value };
      else fileContent[a] = value;
      const fromFile = loadConfig({}, { TRACEGRAPH_CONFIG: configFile(fileContent) });
      const envSection = b && a in section ? Object.entries((section as Record<string, Record<string, string>>)[a]!) : [];
      const env: Record<string, string> = { TRACEGRAPH_CONFIG: '', [s.env]: String(value) };
      for (const [k, v] of envSection) env[SETTINGS.find((x) => x.key === `${a}.${k}`)!.env] ??= v;
      const fromEnv = loadConfig({}, env);
      expect(fromEnv, s.env).toEqual(fromFile);
    }
  });
});
