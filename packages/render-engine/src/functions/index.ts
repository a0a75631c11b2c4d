// Registers every function group (each file calls registerFunction at import).
import './combine.js';
import './alias.js';
import './filter-series.js';
import './sorting.js';
import './special.js';
import './graph.js';
import './transform.js';
import './calculate.js';
import './filter-data.js';

export * from './registry.js';
