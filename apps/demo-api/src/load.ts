#!/usr/bin/env node
import { Command } from 'commander';
import { runLoad, TUTORIAL_PATHS } from './load-runner.js';

function positive(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number`);
    return n;
  };
}

const program = new Command()
  .name('load')
  .description("Drive the demo API like the tutorial's k6 script: every endpoint in turn, then a pause")
  .option(
    '--base-url <url>',
    'demo API base URL (env BASE_URL)',
    process.env.BASE_URL ?? 'http://127.0.0.1:8000',
  )
  .option('-d, --duration <seconds>', 'stop starting requests after this long', positive('duration'), 60)
  .option('-n, --requests <count>', 'stop after this many requests', positive('requests'))
  .option('-c, --concurrency <users>', 'concurrent virtual users', positive('concurrency'), 1)
  .option('--pause <seconds>', 'pause after each round', positive('pause'), 0.5)
  .option('--paths <list>', 'comma-separated paths', TUTORIAL_PATHS.join(','))
  .parse();

const o = program.opts<{
  baseUrl: string;
  duration: number;
  requests?: number;
  concurrency: number;
  pause: number;
  paths: string;
}>();
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());

const summary = await runLoad({
  baseUrl: o.baseUrl,
  durationMs: o.duration * 1000,
  maxRequests: o.requests,
  concurrency: o.concurrency,
  pauseMs: o.pause * 1000,
  paths: o.paths
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean),
  signal: controller.signal,
});
process.stdout.write(`${JSON.stringify(summary)}\n`);
process.exit(summary.requests === 0 ? 1 : 0);
