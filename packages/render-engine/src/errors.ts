// Error classes the HTTP layer maps to status codes (graphite-web: InputParameterError -> 400).

/** Bad user input: unknown function, bad argument, bad time. HTTP 400. */
export class InputParameterError extends Error {
  override name = 'InputParameterError';
}

/** A target that does not parse; `position` is the 0-based character offset. HTTP 400. */
export class TargetParseError extends InputParameterError {
  override name = 'TargetParseError';
  constructor(
    message: string,
    readonly target: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position} in target "${target}"`);
  }
}

/** A per-request limit (series count, depth, time) was exceeded. HTTP 400 (the request is refused, not failed). */
export class LimitExceededError extends InputParameterError {
  override name = 'LimitExceededError';
}
