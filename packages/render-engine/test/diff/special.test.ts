import { SPECIAL_CASES } from './cases/special.js';
import { diffSuite } from './suite.js';

diffSuite('special', SPECIAL_CASES);
