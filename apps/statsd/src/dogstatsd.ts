// DogStatsD events (`_e{..}`) and service checks (`_sc|..`). Etsy counts both as bad lines;
// we parse them, count them, and hand events on (to the Graphite events API).

export interface StatsdEvent {
  title: string;
  text: string;
  timestamp?: number;
  hostname?: string;
  aggregationKey?: string;
  priority?: string;
  sourceType?: string;
  alertType?: string;
  tags: string[];
}

export interface ServiceCheck {
  name: string;
  status: number;
  timestamp?: number;
  hostname?: string;
  message?: string;
  tags: string[];
}

const EVENT_HEADER = /^_e\{(\d{1,7}),(\d{1,7})\}:/;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Parses `_e{tl,xl}:title|text|d:..|h:..|k:..|p:..|s:..|t:..|#tags`; undefined if malformed. */
export function parseEvent(line: string): StatsdEvent | undefined {
  const m = EVENT_HEADER.exec(line);
  if (m === null) return undefined;
  const titleLen = Number(m[1]);
  const textLen = Number(m[2]);
  if (titleLen === 0) return undefined;
  // Lengths are UTF-8 byte counts.
  const body = encoder.encode(line.slice(m[0].length));
  if (body.length < titleLen + 1 + textLen || body[titleLen] !== 0x7c /* | */) return undefined;
  const title = decoder.decode(body.subarray(0, titleLen));
  const text = decoder.decode(body.subarray(titleLen + 1, titleLen + 1 + textLen)).replace(/\\n/g, '\n');
  const rest = decoder.decode(body.subarray(titleLen + 1 + textLen));
  if (rest.length > 0 && rest[0] !== '|') return undefined;
  const event: StatsdEvent = { title, text, tags: [] };
  for (const field of rest.split('|')) {
    if (field.length === 0) continue;
    if (field.startsWith('d:')) {
      const ts = Number(field.slice(2));
      if (Number.isFinite(ts)) event.timestamp = ts;
    } else if (field.startsWith('h:')) event.hostname = field.slice(2);
    else if (field.startsWith('k:')) event.aggregationKey = field.slice(2);
    else if (field.startsWith('p:')) event.priority = field.slice(2);
    else if (field.startsWith('s:')) event.sourceType = field.slice(2);
    else if (field.startsWith('t:')) event.alertType = field.slice(2);
    else if (field.startsWith('#'))
      event.tags.push(
        ...field
          .slice(1)
          .split(',')
          .filter((t) => t.length > 0),
      );
  }
  return event;
}

/** Parses `_sc|name|status|d:..|h:..|#tags|m:message`; undefined if malformed. */
export function parseServiceCheck(line: string): ServiceCheck | undefined {
  const fields = line.split('|');
  if (fields.length < 3 || fields[0] !== '_sc' || fields[1].length === 0) return undefined;
  if (!/^[0-3]$/.test(fields[2])) return undefined;
  const check: ServiceCheck = { name: fields[1], status: Number(fields[2]), tags: [] };
  for (let i = 3; i < fields.length; i++) {
    const field = fields[i];
    if (field.startsWith('m:')) {
      // The message is last and may itself contain `|`.
      check.message = fields.slice(i).join('|').slice(2).replace(/m\\:/g, 'm:');
      break;
    }
    if (field.startsWith('d:')) {
      const ts = Number(field.slice(2));
      if (Number.isFinite(ts)) check.timestamp = ts;
    } else if (field.startsWith('h:')) check.hostname = field.slice(2);
    else if (field.startsWith('#'))
      check.tags.push(
        ...field
          .slice(1)
          .split(',')
          .filter((t) => t.length > 0),
      );
  }
  return check;
}
