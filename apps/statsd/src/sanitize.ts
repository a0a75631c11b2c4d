// Etsy's key sanitising (keyNameSanitize): whitespace runs -> `_`, `/` -> `-`, then every
// character outside `A-Za-z0-9_-.;=` removed. Most keys are already clean: test once first.

const CLEAN = /^[A-Za-z0-9_.;=-]*$/;
const WHITESPACE = /\s+/g;
const SLASH = /\//g;
const DISALLOWED = /[^a-zA-Z_\-0-9.;=]/g;

export function sanitizeKey(key: string): string {
  if (CLEAN.test(key)) return key;
  return key.replace(WHITESPACE, '_').replace(SLASH, '-').replace(DISALLOWED, '');
}
