// `pnpm start`: runs statsd, graphite and demo-api on loopback, wired together, until Ctrl-C.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { waitHealthy } from './health.js';
import { availableServices, serviceSpecs, settingsFromEnv } from './services.js';
import { Supervisor } from './supervisor.js';

// Healthy in about 1 s here; the deadline is for a machine that is struggling, not the target.
const STARTUP_DEADLINE_MS = 60_000;
const STOP_GRACE_MS = 1_500;

const log = pino({ name: 'appliance' });
const rootDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

async function main(): Promise<void> {
  const settings = settingsFromEnv(process.env, rootDir);
  mkdirSync(settings.dataDir, { recursive: true });
  const { present, missing } = availableServices(serviceSpecs(settings));
  for (const spec of missing) log.warn({ service: spec.name, entry: spec.entry }, 'not built, skipping');
  if (present.length === 0) throw new Error('no service is built: run `pnpm build` first');

  let exiting = false;
  const shutdown = async (reason: string, code: number) => {
    if (exiting) return;
    exiting = true;
    log.info({ reason }, 'stopping services');
    const clean = await supervisor.stopAll(STOP_GRACE_MS);
    log.info({ clean }, 'stopped');
    process.exit(code);
  };
  const supervisor = new Supervisor(
    log,
    present.map((s) => s.name),
    (svc, code) => {
      log.error({ service: svc.spec.name, code }, 'service exited unexpectedly');
      void shutdown(`${svc.spec.name} exited`, 1);
    },
  );
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('SIGHUP', () => void shutdown('SIGHUP', 0));
  // pnpm exits on SIGTERM without passing it on; when whoever started us goes away, stop too
  // rather than leave the services running with nobody to stop them.
  const parentAtStart = process.ppid;
  setInterval(() => {
    if (process.ppid !== parentAtStart) void shutdown('parent process exited', 0);
  }, 250).unref();
  process.on('uncaughtException', (err) => {
    log.fatal({ err: err.message }, 'launcher crashed');
    supervisor.killAllNow();
    process.exit(1);
  });

  log.info({ dataDir: settings.dataDir }, 'starting services');
  const started = Date.now();
  // All at once: none needs another to start (statsd's first flush and demo-api's first UDP
  // packet can precede their peer's socket), so startup takes the slowest service's time, not the sum.
  const healthy = await Promise.all(
    present.map(async (spec) => {
      const svc = supervisor.start(spec);
      const ok = await waitHealthy(spec.health, STARTUP_DEADLINE_MS, () => svc.alive);
      if (ok) log.info({ service: spec.name, ms: Date.now() - started }, 'healthy');
      return ok;
    }),
  );
  if (exiting) return;
  const failed = present.filter((_, i) => !healthy[i]).map((s) => s.name);
  if (failed.length > 0) {
    await shutdown(`${failed.join(', ')} did not become healthy`, 1);
    return;
  }
  const rows = present.flatMap((s) => s.urls);
  const width = Math.max(...rows.map(([label]) => label.length));
  process.stdout.write(
    `\nAppliance is up (data in ${settings.dataDir}). Ctrl-C stops it.\n` +
      rows.map(([label, url]) => `  ${label.padEnd(width)}  ${url}`).join('\n') +
      '\n\n',
  );
}

main().catch((err: unknown) => {
  log.fatal({ err: err instanceof Error ? err.message : String(err) }, 'could not start the appliance');
  process.exit(1);
});
