/**
 * What Grafana's Graphite and Prometheus datasources send, reproduced for the end-to-end tests
 * (see ../shared/reference/graphite-api.md section 1): form-encoded POST /render with the target
 * wrapped in aliasSub (Grafana 11.6+), POST /metrics/find, GET /events/get_data; Prometheus HTTP API.
 */

export interface GraphiteSeries {
  target: string;
  datapoints: Array<[number | null, number]>;
  tags?: Record<string, string>;
}

export async function grafanaRender(
  baseUrl: string,
  target: string,
  refId = 'A',
  range: { from: string; until: string } = { from: '-10min', until: 'now' },
): Promise<{ status: number; series: GraphiteSeries[]; body: string }> {
  const body = new URLSearchParams();
  body.append('target', `aliasSub(${target}, "(^.*$)", "\\1 ${refId}")`);
  body.append('from', range.from);
  body.append('until', range.until);
  body.append('format', 'json');
  body.append('maxDataPoints', '500');
  const res = await fetch(`${baseUrl}/render`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  });
  const text = await res.text();
  let series: GraphiteSeries[] = [];
  try {
    const parsed = JSON.parse(text) as unknown;
    if (Array.isArray(parsed)) series = parsed as GraphiteSeries[];
  } catch {}
  return { status: res.status, series, body: text };
}

/** True when at least one series has at least one non-null point. */
export function hasData(series: GraphiteSeries[]): boolean {
  return series.some((s) => s.datapoints.some(([v]) => v !== null));
}

export async function graphiteFind(baseUrl: string, query: string): Promise<Array<{ text: string }>> {
  const now = Math.floor(Date.now() / 1000);
  // Grafana's frontend sends the pattern unencoded in the body.
  const res = await fetch(`${baseUrl}/metrics/find?from=${now - 3600}&until=${now}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `query=${query}`,
  });
  if (!res.ok) throw new Error(`/metrics/find ${query}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as Array<{ text: string }>;
}

export async function graphiteEvents(baseUrl: string, tags: string[]): Promise<unknown[]> {
  const q = new URLSearchParams({ from: '-1h', until: 'now', tags: tags.join(' ') });
  const res = await fetch(`${baseUrl}/events/get_data?${q}`);
  if (!res.ok) throw new Error(`/events/get_data: HTTP ${res.status}`);
  return (await res.json()) as unknown[];
}

export interface PromResult {
  status: string;
  data?: {
    resultType: string;
    result: Array<{
      metric: Record<string, string>;
      value?: [number, string];
      values?: Array<[number, string]>;
    }>;
  };
  error?: string;
}

export async function promQuery(baseUrl: string, expr: string, instant: boolean): Promise<PromResult> {
  const now = Date.now() / 1000;
  const params = new URLSearchParams({ query: expr });
  if (instant) params.set('time', String(now));
  else {
    params.set('start', String(now - 300));
    params.set('end', String(now));
    params.set('step', '1');
  }
  const res = await fetch(`${baseUrl}/api/v1/${instant ? 'query' : 'query_range'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: params.toString(),
  });
  return (await res.json()) as PromResult;
}

/** True when the result has a sample that is a real number (not NaN). */
export function promHasData(r: PromResult): boolean {
  const ok = (v: string) => !Number.isNaN(Number(v));
  return (r.data?.result ?? []).some((s) =>
    s.value ? ok(s.value[1]) : (s.values ?? []).some(([, v]) => ok(v)),
  );
}
