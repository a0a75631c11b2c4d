import { TRANSFORM_CASES } from './cases/transform.js';
import { diffSuite } from './suite.js';

diffSuite('transform', TRANSFORM_CASES);
