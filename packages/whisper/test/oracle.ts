import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';

export interface OracleReply {
  ok: boolean;
  result?: unknown;
  type?: string;
  message?: string;
}

/** One python process answering JSON commands in order (test/oracle.py). */
export class Oracle {
  private proc: ChildProcessWithoutNullStreams;
  private buf = '';
  private waiting: Array<(r: OracleReply) => void> = [];
  constructor() {
    const script = fileURLToPath(new URL('./oracle.py', import.meta.url));
    this.proc = spawn(PYTHON, [script], { stdio: 'pipe' });
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (d: string) => {
      this.buf += d;
      for (let i = this.buf.indexOf('\n'); i >= 0; i = this.buf.indexOf('\n')) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        this.waiting.shift()?.(JSON.parse(line) as OracleReply);
      }
    });
    this.proc.stderr.on('data', (d) => process.stderr.write(d));
    // a dead oracle fails the waiting calls instead of leaving them hanging
    this.proc.on('exit', (code) => {
      for (const w of this.waiting.splice(0))
        w({ ok: false, type: 'OracleExited', message: `python exited (${code})` });
    });
  }
  call(cmd: Record<string, unknown>): Promise<OracleReply> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.proc.stdin.write(`${JSON.stringify(cmd)}\n`);
    });
  }
  close(): void {
    this.proc.stdin.end();
    this.proc.kill();
  }
}

export function hexOf(v: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(v);
  return b.toString('hex');
}

/** Seeded PRNG (mulberry32). */
export function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}
export type Rng = ReturnType<typeof rng>;
