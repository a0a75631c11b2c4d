import { WhisperError } from './errors.js';

export const METADATA_SIZE = 16;
export const ARCHIVE_INFO_SIZE = 12;
export const POINT_SIZE = 12;
/** Refuse headers claiming more archives than this: no real schema has more than a handful. */
export const MAX_ARCHIVES = 1024;

export type AggregationMethod = 'average' | 'sum' | 'last' | 'max' | 'min' | 'avg_zero' | 'absmax' | 'absmin';
export const AGGREGATION_METHODS: readonly AggregationMethod[] = [
  'average',
  'sum',
  'last',
  'max',
  'min',
  'avg_zero',
  'absmax',
  'absmin',
];
export function aggregationTypeOf(m: string): number {
  const i = AGGREGATION_METHODS.indexOf(m as AggregationMethod);
  return i < 0 ? 0 : i + 1;
}
export function isAggregationMethod(m: unknown): m is AggregationMethod {
  return typeof m === 'string' && AGGREGATION_METHODS.includes(m as AggregationMethod);
}

export interface ArchiveSpec {
  secondsPerPoint: number;
  points: number;
}
export interface ArchiveInfo extends ArchiveSpec {
  offset: number;
  retention: number;
  size: number;
}
/** Parsed header. `fileSize` is filled by info() from fstat (python's whisper-info adds it the same way). */
export interface WhisperInfo {
  aggregationMethod: AggregationMethod;
  maxRetention: number;
  xFilesFactor: number;
  archives: ArchiveInfo[];
  fileSize: number;
}
export interface Header {
  aggregationMethod: AggregationMethod;
  aggregationType: number;
  maxRetention: number;
  xFilesFactor: number;
  archives: ArchiveInfo[];
  headerSize: number;
  /** Byte offset just past the last archive: the size the file must at least have. */
  dataEnd: number;
}

export function headerSizeFor(archiveCount: number): number {
  return METADATA_SIZE + ARCHIVE_INFO_SIZE * archiveCount;
}

/**
 * Parse a header from `buf` (which holds the file from offset 0). Same acceptance rules and
 * messages as python's __readHeader, plus checks python lacks (spp/points > 0, archives inside
 * the file, archive count bound) so a corrupt file cannot make us divide by zero or read garbage.
 * Returns null when `buf` is too short to hold the whole header (caller reads more).
 */
export function parseHeader(buf: Buffer, length: number, path: string, fileSize?: number): Header | null {
  if (length < METADATA_SIZE) {
    if (fileSize !== undefined && fileSize < METADATA_SIZE)
      throw new WhisperError('CORRUPT', 'Unable to read header', path);
    return null;
  }
  const aggregationType = buf.readUInt32BE(0);
  const maxRetention = buf.readUInt32BE(4);
  const xff = buf.readFloatBE(8);
  const count = buf.readUInt32BE(12);
  if (aggregationType < 1 || aggregationType > 8 || !(xff >= 0 && xff <= 1)) {
    throw new WhisperError('CORRUPT', 'Unable to read header', path);
  }
  if (count > MAX_ARCHIVES) throw new WhisperError('CORRUPT', `Unreasonable archive count ${count}`, path);
  const headerSize = headerSizeFor(count);
  if (length < headerSize) {
    if (fileSize !== undefined && fileSize < headerSize) {
      const i = Math.floor((fileSize - METADATA_SIZE) / ARCHIVE_INFO_SIZE);
      throw new WhisperError('CORRUPT', `Unable to read archive${i} metadata`, path);
    }
    return null;
  }
  if (count === 0) throw new WhisperError('CORRUPT', 'No archives in header', path);
  const archives: ArchiveInfo[] = [];
  let dataEnd = headerSize;
  let prevSpp = 0;
  for (let i = 0; i < count; i++) {
    const o = METADATA_SIZE + i * ARCHIVE_INFO_SIZE;
    const offset = buf.readUInt32BE(o);
    const secondsPerPoint = buf.readUInt32BE(o + 4);
    const points = buf.readUInt32BE(o + 8);
    if (secondsPerPoint === 0 || points === 0 || offset < headerSize || secondsPerPoint <= prevSpp) {
      throw new WhisperError('CORRUPT', `Invalid archive${i} metadata`, path);
    }
    prevSpp = secondsPerPoint;
    const size = points * POINT_SIZE;
    archives.push({ offset, secondsPerPoint, points, retention: secondsPerPoint * points, size });
    dataEnd = Math.max(dataEnd, offset + size);
  }
  return {
    aggregationMethod: AGGREGATION_METHODS[aggregationType - 1]!,
    aggregationType,
    maxRetention,
    xFilesFactor: xff,
    archives,
    headerSize,
    dataEnd,
  };
}

/** The 16-byte metadata block. xff is stored as float32, like python's struct "!f". */
export function encodeMetadata(
  aggregationType: number,
  maxRetention: number,
  xff: number,
  count: number,
): Buffer {
  const b = Buffer.alloc(METADATA_SIZE);
  b.writeUInt32BE(aggregationType, 0);
  b.writeUInt32BE(maxRetention, 4);
  b.writeFloatBE(xff, 8);
  b.writeUInt32BE(count, 12);
  return b;
}

export function toInfo(h: Header, fileSize: number): WhisperInfo {
  return {
    aggregationMethod: h.aggregationMethod,
    maxRetention: h.maxRetention,
    xFilesFactor: h.xFilesFactor,
    archives: h.archives.map((a) => ({ ...a })),
    fileSize,
  };
}
