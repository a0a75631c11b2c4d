/**
 * Iteration order of CPython 3.11 `set(list_of_ints)` for non-negative ints below 2**61
 * (hash(n) == n). whisper's update_many propagates the distinct lower intervals in this order,
 * and the first successful one becomes an empty lower archive's base, so byte-identical files
 * need the same order. Emulates setobject.c: 8-slot start table, 9-entry linear probe when
 * it fits, perturbed open addressing, resize to the smallest power of two > 4*used (2*used
 * above 50000) once fill*5 >= mask*3, re-inserting in old-table order. No deletions happen.
 *
 * Scratch tables are module-level and reused, so steady-state calls allocate nothing.
 */
const LINEAR_PROBES = 9;
const PERTURB_SHIFT = 5;

let table = new Float64Array(8);
let used = new Uint8Array(8);
let scratchKeys = new Float64Array(8);

function ensureScratch(size: number): void {
  if (table.length < size) {
    table = new Float64Array(size);
    used = new Uint8Array(size);
  }
}

// perturb is a size_t in C; timestamps fit in 53 bits so plain arithmetic with floor division works.
function insertClean(keys: Float64Array, occ: Uint8Array, mask: number, key: number): void {
  let perturb = key;
  let i = key % (mask + 1);
  for (;;) {
    if (!occ[i]) {
      occ[i] = 1;
      keys[i] = key;
      return;
    }
    if (i + LINEAR_PROBES <= mask) {
      for (let j = 1; j <= LINEAR_PROBES; j++) {
        if (!occ[i + j]) {
          occ[i + j] = 1;
          keys[i + j] = key;
          return;
        }
      }
    }
    perturb = Math.floor(perturb / 32);
    i = (i * 5 + 1 + perturb) % (mask + 1);
  }
}

/**
 * Distinct values of `src[0..n)` in CPython set iteration order, written to `out` (returned
 * count). `src` values must be non-negative integers < 2**53.
 */
export function pySetOrder(src: Float64Array, n: number, out: Float64Array): number {
  let mask = 7;
  ensureScratch(8);
  used.fill(0, 0, 8);
  let count = 0;
  for (let k = 0; k < n; k++) {
    const key = src[k]!;
    // lookup-or-insert (set_add_entry); the table has no dummies
    let perturb = key;
    let i = key % (mask + 1);
    let found = false;
    let slot = -1;
    outer: for (;;) {
      const probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
      for (let j = 0; j <= probes; j++) {
        const e = i + j;
        if (!used[e]) {
          slot = e;
          break outer;
        }
        if (table[e] === key) {
          found = true;
          break outer;
        }
      }
      perturb = Math.floor(perturb / 2 ** PERTURB_SHIFT);
      i = (i * 5 + 1 + perturb) % (mask + 1);
    }
    if (found) continue;
    used[slot] = 1;
    table[slot] = key;
    count++;
    if (count * 5 >= mask * 3) {
      const minused = count > 50000 ? count * 2 : count * 4;
      let newSize = 8;
      while (newSize <= minused) newSize *= 2;
      // collect in old table order, then re-insert into a cleared table
      if (scratchKeys.length < count) scratchKeys = new Float64Array(Math.max(count, scratchKeys.length * 2));
      let c = 0;
      for (let e = 0; e <= mask; e++) if (used[e]) scratchKeys[c++] = table[e]!;
      ensureScratch(newSize);
      used.fill(0, 0, newSize);
      mask = newSize - 1;
      for (let e = 0; e < c; e++) insertClean(table, used, mask, scratchKeys[e]!);
    }
  }
  let c = 0;
  for (let e = 0; e <= mask; e++) if (used[e]) out[c++] = table[e]!;
  return c;
}
