// Calls to the appliance's own graphite-web compatible API (same origin only).

export interface TreeNode {
  text: string;
  id: string;
  leaf: boolean;
  expandable: boolean;
}

export interface RenderSeries {
  target: string;
  tags?: Record<string, string>;
  datapoints: Array<[number | null, number]>;
}

export interface FunctionParam {
  name: string;
  type: string;
  required?: boolean;
  default?: unknown;
  multiple?: boolean;
  options?: unknown[];
  suggestions?: unknown[];
}

export interface FunctionDef {
  name: string;
  function: string;
  description?: string;
  group?: string;
  params?: FunctionParam[];
}

export interface GraphiteEvent {
  id: number;
  when: number;
  what: string;
  data: string;
  tags: string[] | string;
}

/** An error from the render API, with the server's message made readable. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function errorText(res: Response): Promise<string> {
  const body = await res.text();
  // graphite-web answers 400 with an HTML-escaped message and 500 with a debug page; keep the message.
  const doc = new DOMParser().parseFromString(body, 'text/html');
  const text = (doc.body?.textContent ?? body).trim();
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines.length > 3 ? lines[lines.length - 1] : lines.join(' ')) || `HTTP ${res.status}`;
}

async function json<T>(res: Response): Promise<T> {
  if (!res.ok) throw new ApiError(res.status, await errorText(res));
  const text = await res.text();
  // graphite-web writes +Infinity as 1e9999, which JSON.parse reads as Infinity already.
  return JSON.parse(text) as T;
}

function form(params: Array<[string, string]>): URLSearchParams {
  const body = new URLSearchParams();
  for (const [k, v] of params) body.append(k, v);
  return body;
}

export async function findMetrics(query: string): Promise<TreeNode[]> {
  const res = await fetch(`/metrics/find?${form([['query', query]])}`);
  const nodes = await json<Array<Record<string, unknown>>>(res);
  return nodes.map((n) => ({
    text: String(n.text),
    id: String(n.id),
    leaf: Boolean(n.leaf),
    expandable: Boolean(n.expandable),
  }));
}

export async function listTags(): Promise<string[]> {
  const res = await fetch('/tags');
  const tags = await json<Array<{ tag: string }>>(res);
  return tags.map((t) => t.tag);
}

export async function tagValues(tag: string): Promise<string[]> {
  const res = await fetch(`/tags/${encodeURIComponent(tag)}`);
  const info = await json<{ values?: Array<{ value: string }> } | null>(res);
  return (info?.values ?? []).map((v) => v.value);
}

export async function findTaggedSeries(expr: string): Promise<string[]> {
  const res = await fetch(`/tags/findSeries?${form([['expr', expr]])}`);
  return json<string[]>(res);
}

export async function render(
  targets: string[],
  from: string,
  until: string,
  maxDataPoints: number,
  signal?: AbortSignal,
): Promise<RenderSeries[]> {
  const params: Array<[string, string]> = targets.map((t) => ['target', t]);
  params.push(['from', from], ['until', until], ['format', 'json'], ['maxDataPoints', String(maxDataPoints)]);
  const res = await fetch('/render', { method: 'POST', body: form(params), signal });
  return json<RenderSeries[]>(res);
}

let functionsPromise: Promise<FunctionDef[]> | undefined;
export function functions(): Promise<FunctionDef[]> {
  functionsPromise ??= fetch('/functions')
    .then((res) => json<Record<string, FunctionDef>>(res))
    .then((defs) =>
      Object.values(defs)
        .filter((d) => d && typeof d.name === 'string' && d.group !== 'Graph')
        .sort((a, b) => a.name.localeCompare(b.name)),
    )
    .catch((err) => {
      functionsPromise = undefined;
      throw err;
    });
  return functionsPromise;
}

export async function events(from: string, until: string): Promise<GraphiteEvent[]> {
  const res = await fetch(
    `/events/get_data?${form([
      ['from', from],
      ['until', until],
    ])}`,
  );
  return json<GraphiteEvent[]>(res);
}

export interface DashboardGraph {
  target: string[];
  title?: string;
  vtitle?: string;
  unit?: string;
  [key: string]: unknown;
}

export interface DashboardState {
  name: string;
  timeConfig?: { from?: string; until?: string; type?: string; [key: string]: unknown };
  graphs: Array<[string, DashboardGraph, string]>;
  [key: string]: unknown;
}

/** graphite-web answers dashboard errors with HTTP 200 and {"error": ...}. */
async function dashboardCall<T>(res: Response): Promise<T> {
  const body = await json<T & { error?: string }>(res);
  if (body && typeof body === 'object' && typeof body.error === 'string')
    throw new ApiError(res.status, body.error);
  return body;
}

export async function saveDashboard(name: string, state: DashboardState): Promise<void> {
  const res = await fetch(`/dashboard/save/${encodeURIComponent(name)}`, {
    method: 'POST',
    body: form([['state', JSON.stringify(state)]]),
  });
  await dashboardCall(res);
}

export async function loadDashboard(name: string): Promise<DashboardState> {
  const res = await fetch(`/dashboard/load/${encodeURIComponent(name)}`);
  return (await dashboardCall<{ state: DashboardState }>(res)).state;
}

export async function findDashboards(query: string): Promise<string[]> {
  const res = await fetch(`/dashboard/find?${form([['query', query]])}`);
  return (await dashboardCall<{ dashboards: Array<{ name: string }> }>(res)).dashboards.map((d) => d.name);
}

export async function deleteDashboard(name: string): Promise<void> {
  const res = await fetch(`/dashboard/delete/${encodeURIComponent(name)}`, { method: 'POST' });
  await dashboardCall(res);
}
