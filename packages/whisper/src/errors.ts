/** Error codes: one per failure class a caller may want to tell apart. */
export type WhisperErrorCode =
  | 'CORRUPT' // header or archive metadata unreadable / inconsistent (python: CorruptWhisperFile)
  | 'TRUNCATED' // the file is shorter than its header says
  | 'INVALID_CONFIG' // bad archive list, file exists (python: InvalidConfiguration)
  | 'INVALID_AGGREGATION_METHOD'
  | 'INVALID_XFF'
  | 'INVALID_TIME_INTERVAL'
  | 'TIMESTAMP_NOT_COVERED' // python: TimestampNotCovered (single-point update)
  | 'TIMESTAMP_OUT_OF_RANGE' // a timestamp that cannot be stored as uint32 or is not finite
  | 'INVALID_GRANULARITY'
  | 'INVALID_RETENTION' // retention/precision string (python raises ValueError)
  | 'UNALIKE' // merge/diff of files with different archive layouts
  | 'NOT_FOUND'
  | 'LOCKED' // a sync writer found the path held by an in-flight async writer
  | 'IO';

/** Typed error naming the file. `message` is python whisper's text where python has one. */
export class WhisperError extends Error {
  readonly path: string;
  readonly code: WhisperErrorCode;
  constructor(code: WhisperErrorCode, message: string, path = '', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WhisperError';
    this.code = code;
    this.path = path;
  }
  /** python's str(CorruptWhisperFile): "<error> (<path>)"; other errors print their message only. */
  toPythonString(): string {
    return this.code === 'CORRUPT' && this.path ? `${this.message} (${this.path})` : this.message;
  }
}
