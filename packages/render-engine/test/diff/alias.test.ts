import { ALIAS_CASES } from './cases/alias.js';
import { diffSuite } from './suite.js';

diffSuite('alias', ALIAS_CASES);
