// WebSocket client for /ui/live: resubscribes on every (re)connect and retries with backoff, so a
// restarted appliance is picked up without a page reload.

export type PointsHandler = (metric: string, points: Array<[number, number]>) => void;
export type StatusHandler = (status: 'off' | 'connecting' | 'live' | 'reconnecting') => void;

export class LiveClient {
  private socket: WebSocket | undefined;
  private patterns: string[] = [];
  private retry = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private enabled = false;

  constructor(
    private readonly onPoints: PointsHandler,
    private readonly onStatus: StatusHandler,
    /** Called after a reconnect so views can fill the gap from the render API. */
    private readonly onReconnect: () => void,
  ) {}

  start(): void {
    if (this.enabled) return;
    this.enabled = true;
    this.connect(false);
  }

  stop(): void {
    this.enabled = false;
    clearTimeout(this.timer);
    this.socket?.close();
    this.socket = undefined;
    this.onStatus('off');
  }

  subscribe(patterns: string[]): void {
    this.patterns = [...new Set(patterns)];
    this.send();
  }

  private send(): void {
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ type: 'subscribe', patterns: this.patterns }));
    }
  }

  private connect(isRetry: boolean): void {
    this.onStatus(isRetry ? 'reconnecting' : 'connecting');
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ui/live`;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.retry = 0;
      this.send();
      this.onStatus('live');
      if (isRetry) this.onReconnect();
    });
    socket.addEventListener('message', (e) => {
      let msg: { type?: string; series?: Array<{ metric: string; points: Array<[number, number]> }> };
      try {
        msg = JSON.parse(String(e.data));
      } catch {
        return;
      }
      if (msg.type === 'points' && Array.isArray(msg.series)) {
        for (const s of msg.series) this.onPoints(s.metric, s.points);
      }
    });
    socket.addEventListener('close', () => {
      if (this.socket !== socket || !this.enabled) return;
      this.onStatus('reconnecting');
      const delay = Math.min(5000, 250 * 2 ** this.retry++);
      this.timer = setTimeout(() => this.connect(true), delay);
    });
  }
}
