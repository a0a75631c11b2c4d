// The render cache: whole responses keyed by the request's parameters, with a per-entry TTL
// (graphite-web's cacheTimeout, default 60 s) and a bounded size.

import { createHash } from 'node:crypto';
import type { RenderResponse } from './storage.js';

interface Entry {
  expires: number;
  response: RenderResponse;
  size: number;
}

export class RenderCache {
  private entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    private readonly maxBytes = 64 * 1024 * 1024,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Key of a request: every parameter except the cache controls, order-independent. */
  static key(params: Record<string, string | string[] | undefined>, now?: number): string {
    const h = createHash('sha256');
    for (const k of Object.keys(params).sort()) {
      if (k === 'noCache' || k === '_' || k === 'cacheTimeout') continue;
      const v = params[k];
      h.update(`${k}\u0000${Array.isArray(v) ? v.join('\u0001') : (v ?? '')}\u0002`);
    }
    if (now !== undefined) h.update(`now-override\u0000${now}`);
    return h.digest('hex');
  }

  get(key: string): RenderResponse | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires <= this.clock()) {
      this.delete(key);
      return undefined;
    }
    // refresh LRU position
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.response;
  }

  set(key: string, response: RenderResponse, ttlSeconds: number): void {
    if (ttlSeconds <= 0) return;
    const size = typeof response.body === 'string' ? response.body.length * 2 : response.body.byteLength;
    if (size > this.maxBytes / 4) return;
    this.delete(key);
    this.entries.set(key, { expires: this.clock() + ttlSeconds * 1000, response, size });
    this.bytes += size;
    for (const [k] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.delete(k);
    }
  }

  private delete(key: string): void {
    const e = this.entries.get(key);
    if (e) {
      this.bytes -= e.size;
      this.entries.delete(key);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
