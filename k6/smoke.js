// Smoke test: one user walks every endpoint a couple of times; any failed check fails the run.
// k6 run k6/smoke.js   (about 15 s; BASE_URL overrides the target)
import { sleep } from 'k6';
import { ENDPOINTS, hit } from './endpoints.js';

/** @type {import('k6/options').Options} */
export const options = {
  vus: 1,
  iterations: 2,
  thresholds: {
    checks: ['rate==1'],
    http_req_failed: ['rate==0'],
  },
};

export default function () {
  for (const endpoint of ENDPOINTS) hit(endpoint);
  sleep(0.1);
}
