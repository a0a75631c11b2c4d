// Tagged keys `name;k=v;k2=v2` as Graphite 1.1 wants them. Etsy keeps tags in input order
// and passes through tags carbon rejects; we canonicalise so one tag set is one bucket:
// - tags sorted (carbon sorts too, so `#a:1,b:2` and `#b:2,a:1` were one series fighting
//   over the same datapoints);
// - a valueless tag `role` becomes `role=true` (carbon rejects `;role`);
// - empty tags, empty tag names and empty values are dropped (carbon rejects them).

export const VALUELESS_TAG_VALUE = 'true';

/** Canonical form of a key that contains `;`. */
export function canonicalTaggedKey(key: string): string {
  const parts = key.split(';');
  const name = parts[0];
  const tags: string[] = [];
  for (let i = 1; i < parts.length; i++) {
    const tag = parts[i];
    if (tag.length === 0) continue;
    const eq = tag.indexOf('=');
    if (eq === -1) tags.push(`${tag}=${VALUELESS_TAG_VALUE}`);
    else if (eq > 0 && eq < tag.length - 1) tags.push(tag);
  }
  if (tags.length === 0) return name;
  if (tags.length > 1) tags.sort(compareTags);
  return `${name};${tags.join(';')}`;
}

function tagName(tag: string): string {
  return tag.slice(0, tag.indexOf('='));
}

// By tag name (carbon's order), then whole tag so duplicates are stable.
function compareTags(a: string, b: string): number {
  const na = tagName(a);
  const nb = tagName(b);
  if (na !== nb) return na < nb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
