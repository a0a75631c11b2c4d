import { CALCULATE_CASES } from './cases/calculate.js';
import { diffSuite } from './suite.js';

diffSuite('calculate', CALCULATE_CASES);
