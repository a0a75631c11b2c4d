// The tutorial's load script: every demo endpoint in turn, then a 0.5 s pause.
// Run it like the tutorial: k6 run --vus 1 --duration 300s k6/tutorial.js
// BASE_URL points at the demo API (default http://localhost:8000; in compose http://demo-api:8000).

import { sleep } from 'k6';
import http from 'k6/http';

const BASE_URL = __ENV.BASE_URL || 'http://localhost:8000';

export default function () {
  http.get(`${BASE_URL}/`);
  http.get(`${BASE_URL}/io_task`);
  http.get(`${BASE_URL}/cpu_task`);
  http.get(`${BASE_URL}/random_sleep`);
  http.get(`${BASE_URL}/random_status`);
  sleep(0.5);
}
