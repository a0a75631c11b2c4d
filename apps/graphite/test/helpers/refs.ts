// Starting the real references (carbon-cache, graphite-web) in temp dirs for differential tests,
// plus small shared helpers. Every process started here is stopped by the returned stop().

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pino } from 'pino';
import { type GraphiteOptions, type GraphiteServer, startGraphite } from '../../src/index.js';
import { DEFAULT_AGGREGATION_CONF, DEFAULT_SCHEMAS_CONF } from '../../src/schemas.js';

export const PY = '/usr/bin/python3';

/** Our daemon for a test: only the listeners `opts` asks for, no UI, a silent log, no self-metrics. */
export function startTestGraphite(opts: GraphiteOptions): Promise<GraphiteServer> {
  return startGraphite({
    linePort: null,
    udpPort: null,
    picklePort: null,
    httpPort: null,
    ui: false,
    logger: pino({ level: 'silent' }),
    ...opts,
    settings: { carbonMetricInterval: 0, ...opts.settings },
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function waitPort(port: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        s.once('connect', () => {
          s.destroy();
          resolve(true);
        });
        s.once('error', () => resolve(false));
      }),
    timeoutMs,
    `port ${port}`,
  );
}

function stopProcess(child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      resolve();
    }
  });
}

export interface Carbon {
  whisperDir: string;
  linePort: number;
  picklePort: number;
  stop(): Promise<void>;
}

/** carbon-cache (Debian graphite-carbon) with the docker image's schemas, limits off. */
export async function startCarbon(dir: string, extra = ''): Promise<Carbon> {
  const whisperDir = path.join(dir, 'whisper');
  for (const d of ['whisper', 'run', 'log', 'storage']) mkdirSync(path.join(dir, d), { recursive: true });
  const [linePort, picklePort, queryPort] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(
    path.join(dir, 'carbon.conf'),
    `[cache]
STORAGE_DIR = ${dir}/storage
LOCAL_DATA_DIR = ${whisperDir}
PID_DIR = ${dir}/run
LOG_DIR = ${dir}/log
USER =
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = ${linePort}
ENABLE_UDP_LISTENER = False
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = ${picklePort}
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = ${queryPort}
CARBON_METRIC_INTERVAL = 0
WHISPER_SPARSE_CREATE = True
MIN_TIMESTAMP_RESOLUTION = 1
ENABLE_TAGS = False
LOG_LISTENER_CONNECTIONS = False
CACHE_WRITE_STRATEGY = sorted
${extra}
`,
  );
  writeFileSync(path.join(dir, 'storage-schemas.conf'), DEFAULT_SCHEMAS_CONF);
  writeFileSync(path.join(dir, 'storage-aggregation.conf'), DEFAULT_AGGREGATION_CONF);
  const child = spawn('/usr/bin/carbon-cache', [`--config=${dir}/carbon.conf`, '--nodaemon', 'start'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: dir,
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  try {
    await Promise.all([waitPort(linePort), waitPort(picklePort)]);
  } catch (e) {
    await stopProcess(child);
    throw new Error(`carbon-cache did not start: ${(e as Error).message}\n${out}`);
  }
  return { whisperDir, linePort, picklePort, stop: () => stopProcess(child) };
}

export interface GraphiteWeb {
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** graphite-web (Debian) under Django's runserver, reading whisperDir. */
export async function startGraphiteWeb(dir: string, whisperDir: string): Promise<GraphiteWeb> {
  mkdirSync(path.join(dir, 'log'), { recursive: true });
  writeFileSync(
    path.join(dir, 'gw_test_settings.py'),
    `SECRET_KEY = 'test'
DEBUG = False
ALLOWED_HOSTS = ['*']
TIME_ZONE = 'UTC'
WHISPER_DIR = ${JSON.stringify(whisperDir)}
STANDARD_DIRS = [WHISPER_DIR]
STORAGE_DIR = ${JSON.stringify(dir)}
LOG_DIR = ${JSON.stringify(path.join(dir, 'log'))}
INDEX_FILE = ${JSON.stringify(path.join(dir, 'index'))}
CARBONLINK_HOSTS = []
TAGDB = 'graphite.tags.localdatabase.LocalDatabaseTagDB'
DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ${JSON.stringify(path.join(dir, 'graphite.db'))}}}
`,
  );
  const env = {
    ...process.env,
    DJANGO_SETTINGS_MODULE: 'graphite.settings',
    GRAPHITE_SETTINGS_MODULE: 'gw_test_settings',
    PYTHONPATH: dir,
  };
  await new Promise<void>((resolve, reject) => {
    const m = spawn(PY, ['-m', 'django', 'migrate', '--run-syncdb', '--noinput'], {
      env,
      cwd: dir,
      stdio: 'ignore',
    });
    m.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`migrate failed: ${code}`))));
  });
  const port = await freePort();
  const child = spawn(PY, ['-m', 'django', 'runserver', '--noreload', `127.0.0.1:${port}`], {
    env,
    cwd: dir,
    detached: true,
    stdio: 'ignore',
  });
  await waitPort(port);
  return { port, url: `http://127.0.0.1:${port}`, stop: () => stopProcess(child) };
}

/** All .wsp files under a root, as relative paths. */
export function listWsp(root: string, rel = ''): string[] {
  const out: string[] = [];
  let entries: import('node:fs').Dirent[] = [];
  try {
    entries = readdirSync(path.join(root, rel), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listWsp(root, r));
    else if (e.name.endsWith('.wsp')) out.push(r);
  }
  return out.sort();
}

/**
 * A whisper file's logical content: header fields and, per archive, the sorted non-empty
 * (timestamp, value) slots. Independent of where each ring's base happens to be.
 */
export function wspContent(file: string): unknown {
  const b = readFileSync(file);
  const agg = b.readUInt32BE(0);
  const maxRet = b.readUInt32BE(4);
  const xff = b.readFloatBE(8);
  const count = b.readUInt32BE(12);
  const archives: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const off = b.readUInt32BE(16 + i * 12);
    const spp = b.readUInt32BE(20 + i * 12);
    const pts = b.readUInt32BE(24 + i * 12);
    const slots: Array<[number, number]> = [];
    for (let k = 0; k < pts; k++) {
      const t = b.readUInt32BE(off + k * 12);
      if (t !== 0) slots.push([t, b.readDoubleBE(off + k * 12 + 4)]);
    }
    slots.sort((x, y) => x[0] - y[0]);
    archives.push({ spp, pts, slots });
  }
  return { agg, maxRet, xff, archives, size: b.length };
}

/** Send text over TCP and wait until the peer has it (socket end). */
export function sendTcp(port: number, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.end(data);
    });
    s.on('error', reject);
    s.on('close', () => resolve());
  });
}

export function pickleFrame(payload: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt32BE(payload.length);
  return Buffer.concat([h, payload]);
}

/** Pickle a list of (name, (ts, value)) with CPython at the given protocol. */
export function pyPickle(
  points: Array<[string, number, number | string]>,
  protocol: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const p = spawn(PY, [
      '-c',
      `import sys, json, pickle
pts = json.load(sys.stdin)
sys.stdout.buffer.write(pickle.dumps([(n, (t, v)) for n, t, v in pts], protocol=${protocol}))`,
    ]);
    const chunks: Buffer[] = [];
    p.stdout.on('data', (d) => chunks.push(d));
    p.on('error', reject);
    p.on('exit', (code) =>
      code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`python exit ${code}`)),
    );
    p.stdin.end(JSON.stringify(points));
  });
}
