/**
 * Broker settings from configuration: a Mosquitto that requires a password, `tracegraph ingest`
 * given the URL, user, password and message limit only by a config file or the environment.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/stores.ts';
import { Broker, haveMosquitto } from './broker.ts';

const CLI = resolve(import.meta.dirname, '../../bin/tracegraph.js');
const base = {
  ...process.env,
  TRACEGRAPH_NEO4J_URI: '',
  TRACEGRAPH_MQTT_URL: '',
  TRACEGRAPH_MQTT_USER: '',
  TRACEGRAPH_MQTT_PASSWORD: '',
};
const USERS = { ingest: 'ingest-secret', station: 'station-secret' };

describe.skipIf(!haveMosquitto)('broker credentials and limits from configuration', () => {
  let broker: Broker | undefined;
  afterAll(() => broker?.stop());

  it('connects with the user and password of the config file and applies its message limit', async () => {
    broker = await Broker.start({ users: USERS });
    const data = tempDir();
    const config = join(data, 'tracegraph.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        mqtt: { url: broker.url, clientId: 'cred-ingest', username: 'ingest', password: USERS.ingest, maxMessageBytes: 300 },
      }),
    );
    const child = spawn(process.execPath, [CLI, 'ingest', '--data', data], { env: { ...base, TRACEGRAPH_CONFIG: config } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    for (let i = 0; !out.includes('ingesting from'); i++) {
      if (i > 600 || child.exitCode !== null) throw new Error(`ingest did not start: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    // Anonymous publishers are refused by this broker; the station has its own account.
    await expect(mqtt.connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 })).rejects.toThrow(
      /Not authorized|Bad User/i,
    );
    const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 5, username: 'station', password: USERS.station });
    const topic = 'tracegraph/v1/s1/l1/p1/scan';
    const scan = { kind: 'scan', eventId: 'c1', eventTime: '2026-03-01T08:00:00Z', id: 'SN-C1', station: 'P1' };
    await pub.publishAsync(topic, JSON.stringify(scan), { qos: 1 });
    await pub.publishAsync(topic, JSON.stringify({ ...scan, eventId: 'c2', note: 'x'.repeat(400) }), { qos: 1 });
    await pub.endAsync();
    const deadFile = join(data, 'deadletters.jsonl');
    for (let i = 0; !existsSync(deadFile) || !readFileSync(deadFile, 'utf8').includes('exceeds'); i++) {
      if (i > 400) throw new Error(`the oversized message was not dead-lettered: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const env = { ...base, TRACEGRAPH_CONFIG: config };
    const stats = spawnSync(process.execPath, [CLI, 'stats', '--json', '--data', data], { encoding: 'utf8', env });
    expect(JSON.parse(stats.stdout)).toMatchObject({ events: 1 });
    const dead = spawnSync(process.execPath, [CLI, 'deadletters', '--json', '--data', data], { encoding: 'utf8', env });
    expect(JSON.parse(dead.stdout)).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/^message of \d+ bytes exceeds the limit of 300$/) }),
    ]);
  }, 60_000);

  it('stops with one line naming the credentials when the broker refuses them', async () => {
    broker ??= await Broker.start({ users: USERS });
    const r = spawnSync(process.execPath, [CLI, 'ingest', '--data', tempDir(), '--mqtt-url', broker.url], {
      encoding: 'utf8',
      env: { ...base, TRACEGRAPH_MQTT_USER: 'ingest', TRACEGRAPH_MQTT_PASSWORD: 'wrong' },
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/refused the connection .*check the MQTT user, password/);
  }, 60_000);
});
