// graphite-web functions our engine does not register yet. The coverage test asserts this is
// exactly the missing set, so implementing a function forces removing it here (and its cases,
// skipped until then, start running).
export const NOT_YET_IMPLEMENTED: string[] = [];
