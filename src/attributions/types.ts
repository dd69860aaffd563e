// The engine's public shapes are the API's: generated from schemas/attribution.schema.json.
import type { AttributionHop, AttributionSpeaker, CueHedge as HedgeOrNull, TextSpan } from '../generated/schema-types.js';

export type { Attribution, AttributionTextForm as TextForm, IdentityStatus } from '../generated/schema-types.js';
/** Code points [start, end) of the text, end exclusive, with exactly the characters they cover. */
export type Span = TextSpan;
export type Speaker = AttributionSpeaker;
export type ViaHop = AttributionHop;
/** How firmly a cue attributes; `denied` marks a denial, which a relay's hedge records as `said`. */
export type CueHedge = Exclude<HedgeOrNull, null>;
