// TEST INFRASTRUCTURE: stands in for the `k6/http` module (see runtime.ts).
import { state, syncFetch } from './runtime.js';

type ResponseCallback = (res: { status: number }) => boolean;

interface Params {
  tags?: Record<string, string>;
  redirects?: number;
  responseCallback?: ResponseCallback;
  timeout?: number;
}

/** k6's default: 200-399 are expected, everything else counts in http_req_failed. */
let defaultCallback: ResponseCallback = (res) => res.status >= 200 && res.status < 400;

function expectedStatuses(...specs: Array<number | { min: number; max: number }>): ResponseCallback {
  return (res) =>
    specs.some((s) =>
      typeof s === 'number' ? res.status === s : res.status >= s.min && res.status <= s.max,
    );
}

function setResponseCallback(cb: ResponseCallback): void {
  defaultCallback = cb;
}

function request(method: string, url: string, params: Params = {}) {
  const res = syncFetch(method, url, params.redirects ?? 10, params.timeout ?? 60_000);
  const callback = params.responseCallback ?? defaultCallback;
  state.requests.push({
    method,
    url,
    status: res.status,
    durationMs: res.duration,
    tags: { name: url, ...(params.tags ?? {}) },
    failed: res.status === 0 || !callback(res),
  });
  return { status: res.status, body: res.body, headers: res.headers, error: res.error, url };
}

const http = {
  get: (url: string, params?: Params) => request('GET', url, params),
  expectedStatuses,
  setResponseCallback,
};

export default http;
export const get = http.get;
export { expectedStatuses, setResponseCallback };
