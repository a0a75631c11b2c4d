// Etsy keeps buckets in plain objects, whose key order is: array-index keys ("0" ..
// "4294967294", no leading zeros) ascending, then the rest in insertion order. Its flush
// output follows that order, so ours reproduces it from a Map's insertion order.

function isArrayIndex(key: string): boolean {
  const n = key.length;
  if (n === 0 || n > 10) return false;
  const c0 = key.charCodeAt(0);
  if (c0 < 48 || c0 > 57) return false;
  if (c0 === 48) return n === 1;
  for (let i = 1; i < n; i++) {
    const c = key.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return Number(key) < 4294967295;
}

/** Keys of a Map in JS-object order. */
export function jsObjectKeyOrder<V>(map: Map<string, V>): string[] {
  let indexKeys: string[] | undefined;
  const rest: string[] = [];
  for (const key of map.keys()) {
    if (isArrayIndex(key)) (indexKeys ??= []).push(key);
    else rest.push(key);
  }
  if (indexKeys === undefined) return rest;
  indexKeys.sort((a, b) => Number(a) - Number(b));
  return indexKeys.concat(rest);
}
