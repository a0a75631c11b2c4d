// Ramping load with checks and thresholds: k6 run k6/ramping.js (BASE_URL overrides the target).
// Each virtual user picks endpoints at random with the weights below, then pauses briefly.
import { sleep } from 'k6';
import { ENDPOINTS, hit } from './endpoints.js';

/** Relative weights per endpoint name: the cheap endpoints dominate, the slow ones stay present. */
const WEIGHTS = { root: 30, io_task: 10, cpu_task: 25, random_sleep: 10, random_status: 25 };

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    ramp: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [
        { duration: '30s', target: 5 },
        { duration: '1m', target: 10 },
        { duration: '30s', target: 0 },
      ],
      gracefulRampDown: '10s',
    },
  },
  thresholds: {
    checks: ['rate>0.99'],
    http_req_failed: ['rate<0.01'],
    'http_req_duration{name:root}': ['p(95)<200'],
    'http_req_duration{name:cpu_task}': ['p(95)<500'],
    'http_req_duration{name:io_task}': ['p(95)<2500'],
    'http_req_duration{name:random_sleep}': ['max<6000'],
  },
};

/**
 * Weighted pick from ENDPOINTS. `random` is injectable so the choice can be exercised in tests.
 * @param {number} random a number in [0, 1)
 */
export function pickEndpoint(random) {
  const total = ENDPOINTS.reduce((sum, e) => sum + WEIGHTS[/** @type {keyof typeof WEIGHTS} */ (e.name)], 0);
  let point = random * total;
  for (const e of ENDPOINTS) {
    point -= WEIGHTS[/** @type {keyof typeof WEIGHTS} */ (e.name)];
    if (point < 0) return e;
  }
  return ENDPOINTS[ENDPOINTS.length - 1];
}

export default function () {
  hit(pickEndpoint(Math.random()));
  sleep(0.2);
}
