// Forwards DogStatsD events to graphite-web's events API (`POST /events/`) as annotations.

import type { Logger } from 'pino';
import type { StatsdEvent } from './dogstatsd.js';

export class EventsForwarder {
  private inFlight = 0;
  sent = 0;
  failed = 0;
  dropped = 0;
  private pending = new Set<Promise<void>>();

  constructor(
    private readonly url: string,
    private readonly log: Logger,
    private readonly maxInFlight = 16,
  ) {}

  forward(event: StatsdEvent): void {
    if (this.inFlight >= this.maxInFlight) {
      this.dropped++;
      return;
    }
    const tags = [...event.tags];
    if (event.alertType !== undefined) tags.push(`alert_type:${event.alertType}`);
    if (event.priority !== undefined) tags.push(`priority:${event.priority}`);
    if (event.hostname !== undefined) tags.push(`host:${event.hostname}`);
    if (event.sourceType !== undefined) tags.push(`source:${event.sourceType}`);
    const body = JSON.stringify({
      what: event.title,
      tags,
      data: event.text,
      when: event.timestamp ?? Math.floor(Date.now() / 1000),
    });
    this.inFlight++;
    const p = fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(5000),
    })
      .then(async (res) => {
        await res.arrayBuffer();
        if (res.ok) this.sent++;
        else {
          this.failed++;
          this.log.warn({ status: res.status }, 'graphite events API refused an event');
        }
      })
      .catch((err: Error) => {
        this.failed++;
        this.log.warn({ err: err.message }, 'could not post event to graphite');
      })
      .finally(() => {
        this.inFlight--;
        this.pending.delete(p);
      });
    this.pending.add(p);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }
}
