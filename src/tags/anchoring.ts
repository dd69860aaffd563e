// Tag anchoring, by concern: code points, selectors, context scoring, approximate matching, re-anchoring.
// One import path for the service, the audit rule, tests and benchmarks.
export { CodePointText } from './code-points.js';
export { CONTEXT_LENGTH, describeSpan, resolveSelector, type ResolveResult, type SelectorInput, type TextAnchor } from './selectors.js';
export {
  type AnchorStatus,
  reanchor,
  reanchorAll,
  type ReanchorOptions,
  type ReanchorResult,
  similarity,
  type StoredAnchor,
} from './reanchor.js';
