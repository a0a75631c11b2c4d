import { GRAPH_CASES } from './cases/graph.js';
import { diffSuite } from './suite.js';

diffSuite('graph', GRAPH_CASES);
