import { FILTER_DATA_CASES } from './cases/filter-data.js';
import { diffSuite } from './suite.js';

diffSuite('filter-data', FILTER_DATA_CASES);
