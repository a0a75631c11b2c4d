export { isValidTimeZone, localize, parseATTime, parseTimeOffset, wallTime } from './attime.js';
export * from './errors.js';
export { createContext, type EvalOptions, evaluateTargets } from './evaluator.js';
export { applyMaxDataPoints, renderJson } from './formats.js';
export * from './functions/index.js';
export { type FunctionsRequest, handleFunctions } from './functions-view.js';
export { collectPaths, type ParsedExpr, parseTarget } from './grammar.js';
export {
  formatResponse,
  handleRender,
  type ParsedRenderRequest,
  parseRenderParams,
  type RenderOptions,
} from './render.js';
export { RenderCache } from './render-cache.js';
export * from './series.js';
export * from './storage.js';
