export { aggregate } from './aggregate.js';
export { WhisperError, type WhisperErrorCode } from './errors.js';
export { dropCachedPages, fadviseSupport, setFadviseRandom } from './fadvise.js';
export {
  AGGREGATION_METHODS,
  type AggregationMethod,
  type ArchiveInfo,
  type ArchiveSpec,
  isAggregationMethod,
  type WhisperInfo,
} from './format.js';
export { isLocked, withLock } from './lock.js';
export {
  type CreateOptions,
  create,
  createSync,
  type FetchManyItem,
  type FetchManyPackedItem,
  type FetchResult,
  fetch,
  fetchMany,
  fetchManyPacked,
  fetchManyPackedSync,
  fetchManySync,
  fetchSync,
  info,
  infoSync,
  type PackedColumn,
  type PackedFetchResult,
  setAggregationMethod,
  setAggregationMethodSync,
  setXFilesFactor,
  setXFilesFactorSync,
  update,
  updateMany,
  updateManySync,
  updateSync,
} from './ops.js';
export { clearReadFdCache, setReadFdCacheSize } from './readfd.js';
export {
  getUnitString,
  parseCarbonRetentionDef,
  parseCarbonRetentions,
  parseRetentionDef,
  parseRetentionsLenient,
  validateArchiveList,
} from './retention.js';
export {
  type ArchiveDiff,
  diffSync,
  fillSync,
  mergeSync,
  type ResizeOptions,
  resizeSync,
} from './tools.js';
export { WhisperWorker } from './worker.js';
