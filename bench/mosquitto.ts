/**
 * A real Mosquitto for the bench and the tests: its own conf in a directory of the caller's, a free
 * loopback port, persistence on (so a restart on the same port keeps sessions and queued messages,
 * like a plant broker).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';

export const MOSQUITTO = '/usr/sbin/mosquitto';
export const haveMosquitto = existsSync(MOSQUITTO);
const MOSQUITTO_PASSWD = '/usr/bin/mosquitto_passwd';

export interface BrokerOptions {
  /** Turns anonymous access off: only these users (name -> password) may connect. */
  users?: Record<string, string>;
  /** Where its config and persistence go; the caller removes it. */
  dir: string;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** Polls until a client connects: mosquitto prints nothing reliable to wait for. */
async function waitConnectable(url: string, auth: { username?: string; password?: string }, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = mqtt.connect(url, {
        reconnectPeriod: 0,
        connectTimeout: 1000,
        clientId: `probe-${process.pid}-${Date.now()}`,
        ...auth,
      });
      // The first outcome wins: a successful probe also emits 'close' when it is ended.
      c.once('connect', () => (resolve(true), c.end(true)));
      c.once('error', () => (resolve(false), c.end(true)));
      c.once('close', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`mosquitto did not accept connections on ${url} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class Broker {
  private proc: ChildProcess | undefined;
  private log = '';

  private constructor(
    readonly port: number,
    private readonly conf: string,
    /** One of the users, for the readiness probe. */
    private readonly probe: { username?: string; password?: string },
  ) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  static async start(opts: BrokerOptions): Promise<Broker> {
    const dir = opts.dir;
    mkdirSync(dir, { recursive: true });
    const port = await freePort();
    const conf = join(dir, 'mosquitto.conf');
    const users = Object.entries(opts.users ?? {});
    const passwords = join(dir, 'passwords');
    for (const [i, [name, password]] of users.entries())
      execFileSync(MOSQUITTO_PASSWD, [...(i === 0 ? ['-c'] : []), '-b', passwords, name, password]);
    writeFileSync(
      conf,
      [
        `listener ${port} 127.0.0.1`,
        ...(users.length ? ['allow_anonymous false', `password_file ${passwords}`] : ['allow_anonymous true']),
        // Started as root, mosquitto drops to user "mosquitto", which cannot write our temp dir:
        // the persistence file would silently not be saved and a restart would lose every session.
        `user ${userInfo().username}`,
        'persistence true',
        `persistence_location ${dir}/`,
        // Unlimited queue while a persistent session is away: the default (1000) would drop messages.
        'max_queued_messages 0',
        'log_dest stderr',
        '',
      ].join('\n'),
    );
    const b = new Broker(port, conf, users.length ? { username: users[0]![0], password: users[0]![1] } : {});
    await b.restart();
    return b;
  }

  /** Starts mosquitto if it is not running (same port, same persistence directory). */
  async restart(): Promise<void> {
    if (this.proc) return;
    const p = spawn(MOSQUITTO, ['-c', this.conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    p.stderr!.on('data', (d: Buffer) => (this.log = (this.log + d.toString()).slice(-8000)));
    this.proc = p;
    p.once('exit', () => {
      if (this.proc === p) this.proc = undefined;
    });
    try {
      await waitConnectable(this.url, this.probe);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${this.log}`, { cause: e });
    }
  }

  /** SIGTERM: mosquitto writes its persistence file on the way out, as on a service restart. */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
    this.proc = undefined;
  }
}
