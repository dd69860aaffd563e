import type { Response } from 'express';
import { JsonSink } from './json-sink.js';
import { ANSWERED, type Answered } from './route.js';

/** `?download=1` (or true): the body comes as a file to keep. */
export const wantsFile = (query: { download?: string }): boolean => query.download === '1' || query.download === 'true';

/**
 * Streams a body too big to hold, written piece by piece into a sink. Past the first byte there is no
 * status to change: a failure then cuts the body, so that it cannot pass as whole.
 */
export async function streamText(res: Response, type: string, write: (sink: JsonSink) => Promise<void>): Promise<Answered> {
  res.type(type);
  try {
    await write(new JsonSink(res));
  } catch (err) {
    if (!res.headersSent) throw err;
    res.destroy(err as Error);
  }
  return ANSWERED;
}

/** Streams a JSON body too big to hold (streamText's rules). */
export const streamJson = (res: Response, write: (sink: JsonSink) => Promise<void>): Promise<Answered> =>
  streamText(res, 'application/json', write);
