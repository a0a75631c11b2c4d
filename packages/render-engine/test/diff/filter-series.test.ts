import { FILTER_SERIES_CASES } from './cases/filter-series.js';
import { diffSuite } from './suite.js';

diffSuite('filter-series', FILTER_SERIES_CASES);
