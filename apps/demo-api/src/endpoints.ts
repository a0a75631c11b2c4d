import { type Random, randInt } from './random.js';

/** The tutorial's status list: six 200s, one 300, two 400s, one 500, picked uniformly. */
export const RANDOM_STATUSES = [200, 200, 200, 200, 200, 200, 300, 400, 400, 500] as const;

/** Fixed wait of /io_task, in seconds (the tutorial's time.sleep(2)). */
export const IO_TASK_SECONDS = 2;

/** /random_sleep draws a whole number of seconds in [0, 5], like randint(0, 5). */
export const RANDOM_SLEEP_MAX_SECONDS = 5;

/** Iterations of the tutorial's CPU-bound loop (each computes i cubed and throws it away). */
export const CPU_TASK_ITERATIONS = 10_000;

/** The tutorial's demo routes, each mapped to the endpoint name used in Graphite-style metric paths. */
export const DEMO_ROUTES = {
  '/': 'root',
  '/io_task': 'io_task',
  '/cpu_task': 'cpu_task',
  '/random_sleep': 'random_sleep',
  '/random_status': 'random_status',
} as const;

export type DemoRoute = keyof typeof DEMO_ROUTES;

export function pickStatus(random: Random): number {
  return RANDOM_STATUSES[randInt(random, 0, RANDOM_STATUSES.length - 1)];
}

export function pickSleepSeconds(random: Random): number {
  return randInt(random, 0, RANDOM_SLEEP_MAX_SECONDS);
}

/** The CPU-bound work; returns the sum so the loop cannot be optimised away. */
export function cpuTask(iterations = CPU_TASK_ITERATIONS): number {
  let sum = 0;
  for (let i = 0; i < iterations; i++) sum += i ** 3;
  return sum;
}
