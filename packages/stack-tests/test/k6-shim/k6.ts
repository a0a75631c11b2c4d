// TEST INFRASTRUCTURE: stands in for the `k6` module (check, sleep, group; see runtime.ts).
import { blockFor, state } from './runtime.js';

export function check<T>(value: T, sets: Record<string, (v: T) => boolean>): boolean {
  let all = true;
  for (const [name, fn] of Object.entries(sets)) {
    let pass = false;
    try {
      pass = Boolean(fn(value));
    } catch {
      pass = false;
    }
    state.checks.push({ name, pass });
    all &&= pass;
  }
  return all;
}

export function sleep(seconds: number): void {
  state.sleeps.push(seconds);
  blockFor(seconds * 1000 * state.sleepScale);
}

export function group<T>(_name: string, fn: () => T): T {
  return fn();
}

export default { check, sleep, group };
