import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { LogController } from 'fastify';
import type { Logger } from 'pino';
import { CPU_TASK_ITERATIONS, cpuTask, IO_TASK_SECONDS, pickSleepSeconds, pickStatus } from './endpoints.js';
import type { DemoMetrics } from './metrics.js';
import type { Random } from './random.js';

export interface AppOptions {
  logger: Logger;
  metrics: DemoMetrics;
  random: Random;
  /** Multiplies every sleep (1 = the tutorial's real seconds); tests and smoke runs shrink it. */
  timeScale: number;
}

const startTimes = new WeakMap<object, bigint>();

/** The tutorial's Flask app as a Fastify instance, instrumented around every request. */
export function buildApp(opts: AppOptions) {
  const { metrics, random, timeScale } = opts;
  // Per-request logs off: the metrics are the point of this app, and k6 runs would flood stdout.
  const app = Fastify({
    loggerInstance: opts.logger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  const wait = (seconds: number) => sleep(seconds * 1000 * timeScale);

  // /health is left out of the request metrics so container health probes do not skew them.
  const instrumented = (url: string | undefined) => url !== '/health';

  app.addHook('onRequest', async (request) => {
    if (!instrumented(request.routeOptions.url)) return;
    startTimes.set(request, process.hrtime.bigint());
    metrics.requestStarted();
  });

  app.addHook('onResponse', async (request, reply) => {
    const started = startTimes.get(request);
    if (started === undefined) return;
    startTimes.delete(request);
    metrics.requestFinished({
      method: request.method,
      path: request.url,
      route: request.routeOptions.url,
      status: reply.statusCode,
      durationMs: Number(process.hrtime.bigint() - started) / 1e6,
    });
  });

  app.get('/', async (request, reply) => {
    request.log.info('Hello, World!');
    return reply.type('text/plain').send('Hello, World!');
  });

  app.get('/io_task', async (_request, reply) => {
    await wait(IO_TASK_SECONDS);
    return reply.type('text/plain').send('IO bound task finish!');
  });

  app.get('/cpu_task', async (_request, reply) => {
    cpuTask(CPU_TASK_ITERATIONS);
    return reply.type('text/plain').send('CPU bound task finish!');
  });

  app.get('/random_sleep', async (_request, reply) => {
    const seconds = pickSleepSeconds(random);
    await wait(seconds);
    return reply.header('x-sleep-seconds', String(seconds)).type('text/plain').send('random sleep');
  });

  app.get('/random_status', async (_request, reply) => {
    return reply.code(pickStatus(random)).type('text/plain').send('random status');
  });

  app.get('/health', async () => ({ status: 'ok', inFlight: metrics.inFlight }));

  return app;
}
