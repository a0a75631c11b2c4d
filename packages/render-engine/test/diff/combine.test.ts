import { COMBINE_CASES } from './cases/combine.js';
import { diffSuite } from './suite.js';

diffSuite('combine', COMBINE_CASES);
