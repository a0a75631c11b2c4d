// Starts the real graphite-web (Debian package, Django runserver) in a temp dir for differential tests.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GraphiteWeb {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function startGraphiteWeb(): Promise<GraphiteWeb> {
  const dir = mkdtempSync(join(tmpdir(), 'graphite-web-'));
  for (const d of ['conf', 'storage/whisper', 'log']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(
    join(dir, 'conf', 'uitest_settings.py'),
    [
      'DEBUG = False',
      "ALLOWED_HOSTS = ['*']",
      "TIME_ZONE = 'UTC'",
      "SECRET_KEY = 'differential-test'",
      `STORAGE_DIR = '${dir}/storage'`,
      `WHISPER_DIR = '${dir}/storage/whisper'`,
      `LOG_DIR = '${dir}/log'`,
      `INDEX_FILE = '${dir}/storage/index'`,
      'CARBONLINK_HOSTS = []',
      `DATABASES = {'default': {'NAME': '${dir}/storage/graphite.db', 'ENGINE': 'django.db.backends.sqlite3'}}`,
      '',
    ].join('\n'),
  );
  const env = {
    ...process.env,
    DJANGO_SETTINGS_MODULE: 'graphite.settings',
    GRAPHITE_SETTINGS_MODULE: 'uitest_settings',
    PYTHONPATH: join(dir, 'conf'),
  };
  const migrate = spawnSync('/usr/bin/python3', ['-m', 'django', 'migrate', '--run-syncdb', '--noinput'], {
    env,
    encoding: 'utf8',
  });
  if (migrate.status !== 0) throw new Error(`graphite-web migrate failed: ${migrate.stderr}`);
  const port = await freePort();
  const child: ChildProcess = spawn(
    '/usr/bin/python3',
    ['-m', 'django', 'runserver', '--noreload', `127.0.0.1:${port}`],
    { env, stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/version`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('graphite-web did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
