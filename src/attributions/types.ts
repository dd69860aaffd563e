// The engine's public shapes: the item of `POST /v1/attributions/extract`. Offsets are Unicode code points, end exclusive.
export interface Span {
  start: number;
  end: number;
  text: string;
}

export type IdentityStatus = 'named' | 'anonymous' | 'unidentified';
export type TextForm = 'quote' | 'paraphrase' | 'mixed';
/** How firmly a cue attributes what it carries; `denied` marks a denial, which the relay hedge records as `said`. */
export type CueHedge = 'stated_as_fact' | 'said' | 'reported' | 'claimed' | 'alleged' | 'denied';

export interface Speaker {
  identityStatus: IdentityStatus;
  name?: string;
  description?: string;
}

export interface ViaHop {
  name: string;
  cue: Span | null;
}

export interface Attribution {
  cue: Span | null;
  sources: Span[];
  contents: Span[];
  textForm: TextForm;
  hedge: CueHedge | null;
  speaker: Speaker;
  via: ViaHop[];
  confidence: number;
}
