// The one implementation behind `npm run neo4j` (neo4j-server.js), startNeo4j() (server.ts) and the
// vitest global setup (test/setup/neo4j-global.ts): a real Neo4j Community server, embedded in a
// small Java program (Launcher.java) with the jars Maven resolves from bench/neo4j/pom.xml.
//
// Plain ESM JavaScript so that `node bench/neo4j/neo4j-server.js` needs no loader; types in launch.d.ts.
//
// Environment:
//   TRACEGRAPH_NEO4J_CACHE  root of the jar cache (default ~/.cache/tracegraph); jars go to
//                           <root>/neo4j-<version>/lib, the compiled launcher next to it
//   JAVA_HOME               used when it is a JDK 17 or 21; else `java` on PATH, else /usr/lib/jvm/*
//   NEO4J_HEAP              JVM -Xmx (default 1g)       NEO4J_PAGECACHE  page cache (default 512m)
//   NEO4J_PASSWORD          (CLI only) password for user neo4j; none = auth disabled
//   TRACEGRAPH_NEO4J_CDS=off  no class-data-sharing archive (it makes starts ~30% faster, +~200 MB RSS)
//   TRACEGRAPH_NEO4J_DEBUG=1  the launcher prints full stack traces on start-up failures

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const POM = path.join(HERE, 'pom.xml');
const LAUNCHER_SRC = path.join(HERE, 'Launcher.java');
const COMPLETE_MARKER = '.tracegraph-complete';
const SUPPORTED_JAVA = [17, 21];

const JVM_FLAGS = [
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-XX:+UseG1GC',
  '-XX:-OmitStackTraceInFastThrow',
  '-XX:+DisableExplicitGC',
  '-Djdk.nio.maxCachedBufferSize=1024',
  '-Dlog4j2.disable.jmx=true',
  // JVM warnings (e.g. a stale class-data-sharing archive) to stderr, never to stdout
  '-Xlog:disable',
  '-Xlog:all=warning,cds*=off:stderr',
];

/** The Neo4j version pinned in pom.xml (`<neo4j.version>`). */
export const NEO4J_VERSION = (() => {
  const m = /<neo4j\.version>([^<]+)<\/neo4j\.version>/.exec(fs.readFileSync(POM, 'utf8'));
  if (!m) throw new Error(`no <neo4j.version> in ${POM}`);
  return m[1].trim();
})();

/** Cache directory for this Neo4j version: jars in ./lib, the compiled launcher in ./launcher-<hash>. */
export function cacheDir() {
  const root = process.env.TRACEGRAPH_NEO4J_CACHE || path.join(os.homedir(), '.cache', 'tracegraph');
  return path.join(path.resolve(root), `neo4j-${NEO4J_VERSION}`);
}

const sha1 = (...parts) => {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest('hex').slice(0, 12);
};
const pomHash = () => sha1(fs.readFileSync(POM));

function libDirIfComplete() {
  const lib = path.join(cacheDir(), 'lib');
  try {
    return fs.readFileSync(path.join(lib, COMPLETE_MARKER), 'utf8').trim() === pomHash() ? lib : null;
  } catch {
    return null;
  }
}

// JDK and Maven discovery

function javaMajor(javaBin) {
  const r = spawnSync(javaBin, ['-version'], { encoding: 'utf8', timeout: 20_000 });
  if (r.error || r.status !== 0) return null;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr}${r.stdout}`);
  if (!m) return null;
  const major = Number(m[1]);
  return major === 1 ? Number(m[2]) : major;
}

function onPath(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

let javaCache;
/**
 * A JDK 17 or 21: JAVA_HOME if it is one, else `java` on PATH, else /usr/lib/jvm/*.
 * @returns {{ ok: true, java: string, javac: string | null, home: string, major: number } | { ok: false, why: string }}
 */
export function findJava() {
  if (javaCache) return javaCache;
  const seen = [];
  const candidates = [];
  if (process.env.JAVA_HOME) candidates.push(path.join(process.env.JAVA_HOME, 'bin', 'java'));
  const onp = onPath('java');
  if (onp) candidates.push(fs.realpathSync(onp));
  try {
    for (const d of fs.readdirSync('/usr/lib/jvm').sort()) candidates.push(path.join('/usr/lib/jvm', d, 'bin', 'java'));
  } catch {
    /* no /usr/lib/jvm */
  }
  for (const java of candidates) {
    if (!fs.existsSync(java)) continue;
    const major = javaMajor(java);
    seen.push(`${java} (${major ?? '?'})`);
    if (major !== null && SUPPORTED_JAVA.includes(major)) {
      const home = path.dirname(path.dirname(java));
      const javac = path.join(home, 'bin', 'javac');
      return (javaCache = { ok: true, java, javac: fs.existsSync(javac) ? javac : null, home, major });
    }
  }
  return (javaCache = {
    ok: false,
    why: `no JDK 17 or 21 for Neo4j ${NEO4J_VERSION} (JAVA_HOME, java on PATH, /usr/lib/jvm/*)${
      seen.length ? `; found ${seen.join(', ')}` : '; found none'
    }`,
  });
}

/** @returns {Promise<{ ok: true } | { ok: false, why: string }>} */
export async function neo4jAvailability() {
  const j = findJava();
  if (!j.ok) return { ok: false, why: j.why };
  if (!j.javac) {
    // source-file mode (java Launcher.java) needs the compiler module of a full JDK as well
    const r = spawnSync(j.java, ['--list-modules'], { encoding: 'utf8', timeout: 20_000 });
    if (!/^jdk\.compiler@/m.test(r.stdout || ''))
      return { ok: false, why: `${j.java} is a JRE without javac/jdk.compiler; Launcher.java needs a JDK 17 or 21` };
  }
  if (!libDirIfComplete() && !onPath('mvn'))
    return { ok: false, why: `no mvn on PATH to resolve the Neo4j ${NEO4J_VERSION} jars (cache ${cacheDir()} is empty)` };
  return { ok: true };
}

// Jars (Maven) and the compiled launcher, both in the cache

/**
 * Resolves the jars into <cache>/lib unless a complete copy is there. Safe against concurrent
 * callers: each resolves into its own temporary directory and renames it into place.
 * @param {{ log?: (line: string) => void }} [opts]
 * @returns {Promise<string>} the lib directory
 */
export async function ensureJars(opts = {}) {
  const log = opts.log ?? (() => {});
  const done = libDirIfComplete();
  if (done) return done;
  const java = findJava();
  if (!java.ok) throw new Error(java.why);
  const mvn = onPath('mvn');
  if (!mvn) throw new Error(`no mvn on PATH to resolve the Neo4j ${NEO4J_VERSION} jars`);

  const dir = cacheDir();
  const lib = path.join(dir, 'lib');
  fs.mkdirSync(dir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(dir, 'lib.tmp-'));
  const started = Date.now();
  log(`neo4j: resolving Neo4j ${NEO4J_VERSION} jars with Maven into ${lib} (first run only, ~120 MB)`);
  try {
    await new Promise((resolve, reject) => {
      const child = spawn(
        mvn,
        ['-B', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${tmp}`, '-Dstyle.color=never'],
        { env: { ...process.env, JAVA_HOME: java.home }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const tail = [];
      let downloaded = 0;
      let lastReport = Date.now();
      const onLine = (line) => {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        if (/^(\[INFO\] )?Downloaded from /.test(line)) downloaded++;
        if (Date.now() - lastReport >= 5000) {
          lastReport = Date.now();
          const secs = Math.round((Date.now() - started) / 1000);
          log(`neo4j: Maven still working (${secs} s, ${downloaded} files downloaded so far)`);
        }
      };
      splitLines(child.stdout, onLine);
      splitLines(child.stderr, onLine);
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 0) resolve(undefined);
        else reject(new Error(`mvn dependency:copy-dependencies failed (exit ${code}):\n${tail.join('\n')}`));
      });
    });
    const jars = fs.readdirSync(tmp).filter((f) => f.endsWith('.jar'));
    if (!jars.some((f) => f.startsWith(`neo4j-bolt-${NEO4J_VERSION}`)))
      throw new Error(`Maven copied ${jars.length} jars into ${tmp} but no neo4j-bolt-${NEO4J_VERSION}.jar`);
    fs.writeFileSync(path.join(tmp, COMPLETE_MARKER), `${pomHash()}\n`);
    if (fs.existsSync(lib) && !libDirIfComplete()) fs.rmSync(lib, { recursive: true, force: true }); // stale
    try {
      fs.renameSync(tmp, lib);
    } catch (e) {
      if (!libDirIfComplete()) throw e; // else someone else finished first: use theirs
    }
    log(`neo4j: ${jars.length} jars ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return lib;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * How to run Launcher: compiled once per (source, JDK) into <cache>/launcher-<hash>/launcher.jar, so a
 * start skips the in-memory compile of source-file mode (which is the fallback without javac).
 * With the jar comes an AppCDS archive (class data sharing, JDK 13+): the first JVM that runs
 * without one writes it at exit (to a temporary name, renamed in place by whoever sees it first),
 * later starts map it and load classes faster. TRACEGRAPH_NEO4J_CDS=off disables that.
 * @returns {{ args: string[], cds: null | { archive: string } }}
 */
function launcherArgs(java, lib) {
  const cp = path.join(lib, '*');
  if (!java.javac) return { args: ['-cp', cp, LAUNCHER_SRC], cds: null }; // source-file mode (needs jdk.compiler)
  const hash = sha1(fs.readFileSync(LAUNCHER_SRC), java.java, String(java.major), pomHash());
  const out = path.join(cacheDir(), `launcher-${hash}`);
  const jar = path.join(out, 'launcher.jar');
  if (!fs.existsSync(jar)) {
    const tmp = fs.mkdtempSync(`${out}.tmp-`);
    try {
      const classes = path.join(tmp, 'classes');
      let r = spawnSync(java.javac, ['-nowarn', '-cp', cp, '-d', classes, LAUNCHER_SRC], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`javac Launcher.java failed:\n${r.stderr || r.error}`);
      r = spawnSync(path.join(java.home, 'bin', 'jar'), ['cf', path.join(tmp, 'launcher.jar'), '-C', classes, '.'], {
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`jar cf launcher.jar failed:\n${r.stderr || r.error}`);
      fs.rmSync(classes, { recursive: true });
      try {
        fs.renameSync(tmp, out);
      } catch (e) {
        if (!fs.existsSync(jar)) throw e;
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    // launchers of older Launcher.java / JDK / pom versions (left alone for an hour: one may be starting)
    for (const d of fs.readdirSync(cacheDir())) {
      const full = path.join(cacheDir(), d);
      if (/^launcher-/.test(d) && full !== out && Date.now() - fs.statSync(full).mtimeMs > 3_600_000)
        fs.rmSync(full, { recursive: true, force: true });
    }
  }
  const cds = process.env.TRACEGRAPH_NEO4J_CDS === 'off' ? null : { archive: path.join(out, 'neo4j.jsa') };
  for (const f of fs.readdirSync(out)) {
    const full = path.join(out, f);
    if (f.startsWith('neo4j.jsa.tmp-') && Date.now() - fs.statSync(full).mtimeMs > 3_600_000) fs.rmSync(full, { force: true });
  }
  return { args: ['-cp', `${jar}${path.delimiter}${cp}`, 'Launcher'], cds };
}

// Start / stop

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

function splitLines(stream, onLine) {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    buf += chunk;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, i).replace(/\r$/, ''));
      buf = buf.slice(i + 1);
    }
  });
  stream.on('end', () => {
    if (buf) onLine(buf);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
});

/**
 * Starts a Neo4j server and resolves once a driver can connect (`verifyConnectivity()`).
 * @param {import('./launch.d.ts').StartOptions} opts
 * @returns {Promise<import('./launch.d.ts').Neo4jServer>}
 */
export async function startNeo4j(opts) {
  if (!opts || !opts.dataDir) throw new Error('startNeo4j: dataDir is required');
  const java = findJava();
  if (!java.ok) throw new Error(java.why);
  const lib = await ensureJars({ log: opts.log });
  const launcher = launcherArgs(java, lib);
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    try {
      return await startOnce(opts, java, launcher, port);
    } catch (e) {
      // a port chosen here may be taken by someone else before the JVM binds it: pick another
      if (opts.port !== undefined || attempt >= 3 || !(e instanceof Error && /** @type {any} */ (e).addressInUse)) throw e;
    }
  }
}

async function startOnce(opts, java, launcher, port) {
  const log = opts.log ?? (() => {});
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const dataDir = path.resolve(opts.dataDir);
  const password = opts.password || undefined;
  const heap = opts.heap || process.env.NEO4J_HEAP || '1g';
  const pagecache = opts.pagecache || process.env.NEO4J_PAGECACHE || '512m';
  const uri = `bolt://127.0.0.1:${port}`;

  /** @type {string[]} */
  const cdsFlags = [];
  let cdsTmp = null;
  if (launcher.cds) {
    if (fs.existsSync(launcher.cds.archive)) cdsFlags.push(`-XX:SharedArchiveFile=${launcher.cds.archive}`);
    else {
      cdsTmp = `${launcher.cds.archive}.tmp-${process.pid}-${port}`;
      cdsFlags.push(`-XX:ArchiveClassesAtExit=${cdsTmp}`);
    }
  }
  const args = [
    `-Xmx${heap}`,
    ...JVM_FLAGS,
    ...cdsFlags,
    ...launcher.args,
    '--port',
    String(port),
    '--dir',
    dataDir,
    '--pagecache',
    pagecache,
    '--exit-on-stdin-eof',
    ...(opts.conf ?? []).flatMap((kv) => ['--conf', kv]),
  ];
  const env = { ...process.env, JAVA_HOME: java.home };
  delete env.TRACEGRAPH_NEO4J_PASSWORD;
  if (password) env.TRACEGRAPH_NEO4J_PASSWORD = password; // not on the command line (ps)

  const t0 = Date.now();
  // stdin stays an open pipe that is never written: when this process dies, the JVM sees EOF and
  // shuts down cleanly instead of living on as an orphan.
  const child = spawn(java.java, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  const stderrTail = [];
  let announced = false;
  /** @type {Promise<number | null>} */
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      if (cdsTmp && launcher.cds) {
        try {
          if (fs.statSync(cdsTmp).size > 0 && !fs.existsSync(launcher.cds.archive)) fs.renameSync(cdsTmp, launcher.cds.archive);
        } catch {
          /* no archive written (killed, or CDS unsupported) */
        }
        fs.rmSync(cdsTmp, { force: true });
      }
      resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : null));
    });
    child.on('error', (e) => {
      stderrTail.push(String(e));
      children.delete(child);
      resolve(127);
    });
  });
  splitLines(child.stdout, (line) => {
    if (line.trim() === uri) announced = true;
    else if (line.trim()) log(line);
  });
  splitLines(child.stderr, (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 60) stderrTail.shift();
    log(line);
  });
  let exitCode;
  exited.then((c) => (exitCode = c));

  const stop = async (timeout = 60_000) => {
    if (exitCode !== undefined) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), timeout);
    await exited;
    clearTimeout(killer);
  };

  const fail = async (why) => {
    await stop(10_000);
    const tail = stderrTail
      .filter((l) => l.trim())
      .slice(-25)
      .join('\n');
    const cause = stderrTail.findLast((l) => /^neo4j: .*fail/.test(l));
    if (cause) why += ` (${cause.replace(/^neo4j: /, '')})`;
    const err = new Error(`Neo4j on ${uri} (data ${dataDir}): ${why}${tail ? `\n--- launcher stderr ---\n${tail}` : ''}`);
    Object.assign(err, { addressInUse: /Address already in use|PortBindException/.test(tail) });
    throw err;
  };

  // Wait for the launcher's "bolt://" line, then for the driver to connect.
  const neo4j = (await import('neo4j-driver')).default;
  const auth = password ? neo4j.auth.basic('neo4j', password) : undefined;
  const deadline = t0 + timeoutMs;
  let lastError = 'no announcement yet';
  while (true) {
    if (exitCode !== undefined) return fail(`the launcher exited with code ${exitCode} before Neo4j was ready`);
    if (Date.now() > deadline) return fail(`not ready after ${timeoutMs / 1000} s (last: ${lastError})`);
    if (announced) {
      const driver = neo4j.driver(uri, auth, { connectionTimeout: 5000 });
      try {
        await driver.verifyConnectivity();
        break;
      } catch (e) {
        lastError = e instanceof Error ? e.message : String(e);
      } finally {
        await driver.close();
      }
    }
    await Promise.race([sleep(announced ? 500 : 200), exited]);
  }
  const startMs = Date.now() - t0;
  log(`neo4j: ${uri} ready in ${(startMs / 1000).toFixed(1)} s (pid ${child.pid})`);
  return {
    uri,
    port,
    dataDir,
    pid: /** @type {number} */ (child.pid),
    startMs,
    stop: () => stop(),
    exited,
  };
}
