// Runs Debian's graphite-web 1.1.8 (Django runserver) over a whisper tree, without touching /etc:
// a private settings module, a private SQLite DB and log dir in a temp dir, a free loopback port.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PYTHON } from './seed.js';

const run = promisify(execFile);

export interface GraphiteWeb {
  url: string;
  close(): Promise<void>;
}

/** Python 3.11 dropped inspect.getargspec/formatargspec, which graphite-web 1.1.8's /functions uses. */
const INSPECT_SHIM = `
import inspect
if not hasattr(inspect, 'getargspec'):
    inspect.getargspec = lambda f: tuple(inspect.getfullargspec(f)[:4])
if not hasattr(inspect, 'formatargspec'):
    def _formatargspec(args, varargs=None, varkw=None, defaults=None):
        parts = []
        first_default = len(args) - len(defaults or ())
        for i, a in enumerate(args):
            parts.append(a if i < first_default else '%s=%r' % (a, defaults[i - first_default]))
        if varargs:
            parts.append('*' + varargs)
        if varkw:
            parts.append('**' + varkw)
        return '(' + ', '.join(parts) + ')'
    inspect.formatargspec = _formatargspec
`;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** Private settings module for one graphite-web home (whisper root, storage, logs, SQLite DB). */
function writeSettings(home: string, whisperDir: string): NodeJS.ProcessEnv {
  const conf = join(home, 'conf');
  const storage = join(home, 'storage');
  for (const d of [conf, storage, join(home, 'log')]) mkdirSync(d, { recursive: true });
  const py = (s: string) => JSON.stringify(s);
  writeFileSync(
    join(conf, 'gw_diff_settings.py'),
    [
      "SECRET_KEY = 'differential-tests'",
      'DEBUG = False',
      "ALLOWED_HOSTS = ['*']",
      "TIME_ZONE = 'UTC'",
      `WHISPER_DIR = ${py(whisperDir)}`,
      `STANDARD_DIRS = [${py(whisperDir)}]`,
      `STORAGE_DIR = ${py(storage)}`,
      `LOG_DIR = ${py(join(home, 'log'))}`,
      `INDEX_FILE = ${py(join(storage, 'index'))}`,
      'CARBONLINK_HOSTS = []',
      "TAGDB = 'graphite.tags.localdatabase.LocalDatabaseTagDB'",
      `DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ${py(join(storage, 'graphite.db'))}}}`,
      INSPECT_SHIM,
    ].join('\n'),
  );
  return {
    ...process.env,
    DJANGO_SETTINGS_MODULE: 'graphite.settings',
    GRAPHITE_SETTINGS_MODULE: 'gw_diff_settings',
    PYTHONPATH: conf,
    PYTHONDONTWRITEBYTECODE: '1',
  };
}

/**
 * An empty, migrated graphite-web DB, created once per machine and copied for each instance: each
 * migrate run costs a Django start-up, which adds up over a dozen test files on a busy CI box.
 */
async function migratedDbTemplate(): Promise<string> {
  const template = join(tmpdir(), 'graphite-web-1.1.8-migrated.db');
  if (existsSync(template)) return template;
  const home = mkdtempSync(join(tmpdir(), 'graphite-web-migrate-'));
  try {
    const env = writeSettings(home, home);
    await run(PYTHON, ['-m', 'django', 'migrate', '--run-syncdb', '--noinput'], { env, cwd: home });
    // atomic publish; a concurrent creator's identical file is just as good
    renameSync(join(home, 'storage', 'graphite.db'), template);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  return template;
}

export async function startGraphiteWeb(
  whisperDir: string,
  taggedSeries: string[] = [],
): Promise<GraphiteWeb> {
  const template = await migratedDbTemplate();
  const home = mkdtempSync(join(tmpdir(), 'graphite-web-'));
  const env = writeSettings(home, whisperDir);
  copyFileSync(template, join(home, 'storage', 'graphite.db'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    PYTHON,
    ['-m', 'django', 'runserver', '--noreload', `127.0.0.1:${port}`],
    {
      env,
      cwd: home,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`graphite-web exited: ${stderr}`);
    try {
      const res = await fetch(`${url}/version/`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`graphite-web did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (taggedSeries.length) {
    const body = new URLSearchParams();
    for (const p of taggedSeries) body.append('path', p);
    const res = await fetch(`${url}/tags/tagMultiSeries`, { method: 'POST', body });
    if (!res.ok) throw new Error(`tagMultiSeries: HTTP ${res.status}`);
  }
  return {
    url,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
