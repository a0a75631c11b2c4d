// Runs the services as child processes: prefixes their log lines, watches for crashes, and stops
// them in reverse start order so each one's final flush reaches the next (demo-api -> statsd -> graphite).
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import type { ServiceSpec } from './services.js';

export interface RunningService {
  spec: ServiceSpec;
  child: ChildProcess;
  exited: Promise<number | null>;
  alive: boolean;
}

export class Supervisor {
  readonly running: RunningService[] = [];
  private stopping = false;
  private readonly width: number;

  constructor(
    private readonly log: Logger,
    names: string[],
    private readonly onUnexpectedExit: (svc: RunningService, code: number | null) => void,
  ) {
    this.width = Math.max(...names.map((n) => n.length));
  }

  start(spec: ServiceSpec): RunningService {
    // Own process group: a terminal Ctrl-C reaches only the launcher, which then stops the
    // services in order instead of all of them racing each other.
    const child = spawn(process.execPath, [spec.entry, ...spec.args], {
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const prefix = `${spec.name.padEnd(this.width)} | `;
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => process.stdout.write(prefix + line + '\n'));
    }
    const svc: RunningService = {
      spec,
      child,
      alive: true,
      exited: new Promise((resolve) => {
        child.on('exit', (code, signal) => {
          svc.alive = false;
          if (!this.stopping) this.onUnexpectedExit(svc, code);
          this.log.info({ service: spec.name, code, signal }, 'service exited');
          resolve(code);
        });
      }),
    };
    child.on('error', (err) => this.log.error({ service: spec.name, err: err.message }, 'could not start'));
    this.running.push(svc);
    return svc;
  }

  /** Stops every service, newest first; escalates to SIGKILL after graceMs per service. */
  async stopAll(graceMs: number): Promise<boolean> {
    this.stopping = true;
    let clean = true;
    for (const svc of [...this.running].reverse()) {
      if (!svc.alive) continue;
      svc.child.kill('SIGTERM');
      const timedOut = await Promise.race([
        svc.exited.then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(true), graceMs).unref()),
      ]);
      if (timedOut) {
        clean = false;
        this.log.warn({ service: svc.spec.name }, `did not stop within ${graceMs} ms, killing`);
        this.killGroup(svc, 'SIGKILL');
        await svc.exited;
      }
    }
    return clean;
  }

  /** Last resort when the launcher itself is dying: no orphans left behind. */
  killAllNow(): void {
    for (const svc of this.running) if (svc.alive) this.killGroup(svc, 'SIGKILL');
  }

  private killGroup(svc: RunningService, signal: NodeJS.Signals): void {
    try {
      if (svc.child.pid) process.kill(-svc.child.pid, signal);
    } catch {
      svc.child.kill(signal);
    }
  }
}
