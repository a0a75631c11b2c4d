// Request logic shared by the ramping and smoke scripts: one tagged, checked GET per endpoint.

import { check } from 'k6';
import http from 'k6/http';

export const BASE_URL = __ENV.BASE_URL || 'http://localhost:8000';

// /random_status answers 400 and 500 on purpose (30% of the time): those are expected, not failures.
const randomStatusExpected = http.expectedStatuses(200, 300, 400, 500);

/** @type {Array<{name: string, path: string, statuses: number[]}>} */
export const ENDPOINTS = [
  { name: 'root', path: '/', statuses: [200] },
  { name: 'io_task', path: '/io_task', statuses: [200] },
  { name: 'cpu_task', path: '/cpu_task', statuses: [200] },
  { name: 'random_sleep', path: '/random_sleep', statuses: [200] },
  { name: 'random_status', path: '/random_status', statuses: [200, 300, 400, 500] },
];

/**
 * GETs one endpoint, tagging the request with the endpoint name (so thresholds can be per endpoint)
 * and checking the status is one the demo API documents for it.
 * @param {{name: string, path: string, statuses: number[]}} endpoint
 */
export function hit(endpoint) {
  const res = http.get(`${BASE_URL}${endpoint.path}`, {
    tags: { name: endpoint.name },
    redirects: 0,
    responseCallback: endpoint.name === 'random_status' ? randomStatusExpected : undefined,
  });
  check(res, {
    [`${endpoint.name}: expected status`]: (r) => endpoint.statuses.includes(r.status),
    [`${endpoint.name}: has a body`]: (r) => typeof r.body === 'string' && r.body.length > 0,
  });
  return res;
}
