import { StatsD } from 'hot-shots';
import { DEMO_ROUTES } from './endpoints.js';

/**
 * Naming styles:
 * - graphite: hierarchical names without tags. Method, endpoint and status become path nodes
 *   (the tutorial's pystatsd app put literal `$` into its names and had no status at all).
 * - dogstatsd: the tutorial's datadog app names (`flask.*`) with tags app_name, method,
 *   endpoint, status, so its Prometheus dashboard works against a statsd_exporter-style output.
 */
export type MetricsStyle = 'graphite' | 'dogstatsd';

export interface RequestSample {
  method: string;
  /** The request path (for unmatched routes the raw path is not used: see endpointOf). */
  path: string;
  /** Registered route URL, undefined when no route matched (404). */
  route: string | undefined;
  status: number;
  durationMs: number;
}

export interface MetricsOptions {
  style: MetricsStyle;
  host: string;
  port: number;
  appName: string;
  /** Re-send the app-info gauge this often (ms); 0 sends it once. */
  infoIntervalMs: number;
  onError: (err: Error) => void;
}

/** Endpoint label for unmatched paths: a fixed value keeps scanners from creating unbounded series. */
export const NOT_FOUND_ENDPOINT = 'not_found';

/** Graphite node for an endpoint: the route's name, `not_found` for anything unrouted. */
export function graphiteEndpoint(route: string | undefined): string {
  if (route !== undefined && route in DEMO_ROUTES) return DEMO_ROUTES[route as keyof typeof DEMO_ROUTES];
  if (route === undefined) return NOT_FOUND_ENDPOINT;
  return route.replace(/^\//, '').replace(/[^A-Za-z0-9_-]/g, '_') || 'root';
}

/** DogStatsD `endpoint` tag: the route path like the tutorial's request.path, `not_found` if unrouted. */
export function taggedEndpoint(route: string | undefined): string {
  return route ?? NOT_FOUND_ENDPOINT;
}

export class DemoMetrics {
  readonly #client: StatsD;
  readonly #opts: MetricsOptions;
  #inFlight = 0;
  #infoTimer: NodeJS.Timeout | undefined;

  constructor(opts: MetricsOptions) {
    this.#opts = opts;
    this.#client = new StatsD({
      host: opts.host,
      port: opts.port,
      protocol: 'udp',
      // One datagram per metric, sent at once: the demo's rate is low and tests read the wire.
      maxBufferSize: 0,
      errorHandler: opts.onError,
      // No Datadog-only extras: container ids (`|c:`) and DD_* tags confuse Etsy-style servers.
      originDetection: false,
      includeDataDogTags: false,
      includeDatadogTelemetry: false,
      aggregation: false,
      cacheDns: true,
    });
    this.sendInfo();
    if (opts.infoIntervalMs > 0) {
      this.#infoTimer = setInterval(() => this.sendInfo(), opts.infoIntervalMs);
      this.#infoTimer.unref();
    }
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** The app-info gauge (value 1). Re-sent periodically so it survives a statsd restart. */
  sendInfo(): void {
    const { style, appName } = this.#opts;
    if (style === 'graphite') this.#client.gauge(`flask.info.${appName}`, 1);
    else this.#client.gauge('flask.info', 1, { app_name: appName });
  }

  requestStarted(): void {
    this.#inFlight++;
    this.#sendInFlight();
  }

  requestFinished(sample: RequestSample): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    const { style, appName } = this.#opts;
    const ms = Math.round(sample.durationMs * 1000) / 1000;
    if (style === 'graphite') {
      const method = sample.method.toLowerCase();
      const endpoint = graphiteEndpoint(sample.route);
      this.#client.increment(`flask.request_total.${method}.${endpoint}.${sample.status}`, 1);
      this.#client.timing(`flask.request_duration.${method}.${endpoint}`, ms);
    } else {
      const base = { app_name: appName, method: sample.method, endpoint: taggedEndpoint(sample.route) };
      this.#client.increment('flask.request_status_total', 1, { ...base, status: String(sample.status) });
      this.#client.timing('flask.request_duration_seconds', ms, base);
    }
    this.#sendInFlight();
  }

  #sendInFlight(): void {
    const { style, appName } = this.#opts;
    if (style === 'graphite') this.#client.gauge('flask.requests_in_flight', this.#inFlight);
    else this.#client.gauge('flask.requests_in_flight', this.#inFlight, { app_name: appName });
  }

  close(): Promise<void> {
    if (this.#infoTimer) clearInterval(this.#infoTimer);
    return new Promise((resolve) => {
      this.#client.close(() => resolve());
    });
  }
}
