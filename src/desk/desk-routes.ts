import express, { type Request, type Response, type Router } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { HttpError } from '../http/problem.js';

/** The desk's pages: each view has a URL, and every one of them is the same app shell. */
export const DESK_PATHS = [
  '/',
  '/search',
  '/sign-in',
  '/documents',
  '/documents/:id',
  '/statements/:id',
  '/claims',
  '/claims/:id',
  '/actors/:id',
  '/audits',
  '/audits/:type/:id',
  '/changes',
];

/**
 * Serves the built desk (public/, from `npm run build:web`): content-hashed assets cached for a year,
 * the shell never cached (it names the current assets), and the shell for every desk URL so a shared
 * link opens the view it names. The files are public; the API they call needs the user's key.
 */
export function deskRouter(publicDir: string): Router {
  const router = express.Router();
  const shell = path.join(publicDir, 'index.html');
  router.use(
    '/assets',
    express.static(path.join(publicDir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: true }),
  );
  const sendShell = (_req: Request, res: Response) => {
    if (!existsSync(shell)) {
      throw new HttpError(503, 'desk-not-built', 'Desk not built', 'The desk has not been built: run npm run build:web (npm start does).');
    }
    res.set('Cache-Control', 'no-cache');
    res.sendFile(shell);
  };
  router.get(DESK_PATHS, sendShell);
  return router;
}
