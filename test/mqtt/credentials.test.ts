/**
 * Broker settings from configuration: a Mosquitto that requires a password, `tracegraph ingest`
 * given the URL, user, password and message limit only by a config file or the environment.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/stores.ts';
import { waitFor } from '../helpers/wait.ts';
import { Broker, haveMosquitto } from './broker.ts';

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
    const ingest = startCli(['ingest', '--data', data], { env: { ...base, TRACEGRAPH_CONFIG: config } });
    await ingest.waitForOutput('ingesting from', { timeout: 30_000 });

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
    await waitFor(
      'the oversized message to be dead-lettered',
      () => existsSync(deadFile) && readFileSync(deadFile, 'utf8').includes('exceeds'),
      20_000,
    );
    ingest.child.kill('SIGTERM');
    expect(await ingest.exited).toBe(0);

    const env = { ...base, TRACEGRAPH_CONFIG: config };
    const stats = await runCli(['stats', '--json', '--data', data], { env });
    expect(JSON.parse(stats.stdout)).toMatchObject({ events: 1 });
    const dead = await runCli(['deadletters', '--json', '--data', data], { env });
    expect(JSON.parse(dead.stdout)).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/^message of \d+ bytes exceeds the limit of 300$/) }),
    ]);
  }, 60_000);

  it('stops with one line naming the credentials when the broker refuses them', async () => {
    broker ??= await Broker.start({ users: USERS });
    const r = await runCli(['ingest', '--data', tempDir(), '--mqtt-url', broker.url], {
      env: { ...base, TRACEGRAPH_MQTT_USER: 'ingest', TRACEGRAPH_MQTT_PASSWORD: 'wrong' },
      timeout: 30_000,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refused the connection .*check the MQTT user, password/);
  }, 60_000);
});
