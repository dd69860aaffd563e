import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Middlewares every request passes, as one router layer: Express's router costs about as much per layer
 * as these small middlewares themselves (matching, params, prefix trimming, a closure per call).
 * A handler's error, passed on or thrown, reaches the app's error handler as it would from its own layer.
 */
export function sequence(handlers: RequestHandler[]): RequestHandler {
  if (handlers.length === 1) return handlers[0];
  return (req: Request, res: Response, next: NextFunction) => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined || i === handlers.length) next(err);
      else handlers[i++](req, res, step);
    };
    step();
  };
}
