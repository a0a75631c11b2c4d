import { SORTING_CASES } from './cases/sorting.js';
import { diffSuite } from './suite.js';

diffSuite('sorting', SORTING_CASES);
