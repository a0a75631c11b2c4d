// Request parameters as Django merges them: query string plus form body (urlencoded or
// multipart, the latter is what carbon's tag submitter sends), repeated keys kept as lists.
// Bodies from Grafana's /metrics/find are not URL-encoded, so decoding is lenient.

export type Params = Map<string, string[]>;

function lenientDecode(s: string): string {
  const plus = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    // decode the valid %XX sequences, keep the rest verbatim
    return plus.replace(/(%[0-9a-fA-F]{2})+/g, (m) => {
      try {
        return decodeURIComponent(m);
      } catch {
        return m;
      }
    });
  }
}

export function parseUrlEncoded(body: string, into: Params = new Map()): Params {
  if (!body) return into;
  for (const part of body.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = lenientDecode(eq < 0 ? part : part.slice(0, eq));
    const v = eq < 0 ? '' : lenientDecode(part.slice(eq + 1));
    const list = into.get(k);
    if (list) list.push(v);
    else into.set(k, [v]);
  }
  return into;
}

/** multipart/form-data text fields (files are treated as text fields too). */
export function parseMultipart(body: Buffer, contentType: string, into: Params = new Map()): Params {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!m) return into;
  const boundary = `--${m[1] ?? m[2]}`;
  const text = body.toString('utf8');
  for (const part of text.split(boundary).slice(1)) {
    if (part.startsWith('--')) break;
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) continue;
    const headers = part.slice(0, headerEnd);
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined) continue;
    let value = part.slice(headerEnd + 4);
    if (value.endsWith('\r\n')) value = value.slice(0, -2);
    const list = into.get(name);
    if (list) list.push(value);
    else into.set(name, [value]);
  }
  return into;
}

export function queryParams(url: string): Params {
  const q = url.indexOf('?');
  return parseUrlEncoded(q < 0 ? '' : url.slice(q + 1));
}

export function merge(a: Params, b: Params): Params {
  const out: Params = new Map();
  for (const [k, v] of a) out.set(k, [...v]);
  for (const [k, v] of b) out.set(k, [...(out.get(k) ?? []), ...v]);
  return out;
}

export function param(p: Params, k: string): string | undefined {
  const v = p.get(k);
  return v?.length ? v[v.length - 1] : undefined;
}

export function toRecord(p: Params): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of p) out[k] = v.length === 1 ? v[0] : v;
  return out;
}
