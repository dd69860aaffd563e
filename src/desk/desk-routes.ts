import express, { type Request, type Response, type Router } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { HttpError } from '../http/problem.js';
import type { PageSpec } from '../http/route.js';

const HTML = 'text/html';

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

// A conditional GET (ETag, Last-Modified) can answer 304, or 412 when an If-Match fails.
const CACHED = {
  304: { description: 'The copy the browser holds is current' },
  412: { description: 'If-Match or If-Unmodified-Since does not hold', content: { 'application/problem+json': 'problem' as const } },
};

/** What deskRouter answers, for the OpenAPI document. */
export const DESK_PAGES: PageSpec[] = [
  ...DESK_PATHS.map((path) => ({
    path,
    summary: `The desk (the app shell, ${path === '/' ? 'home' : path.slice(1)} view): a web page, no key needed to load it`,
    responses: {
      200: { description: 'The page', content: { [HTML]: null } },
      ...CACHED,
      503: { description: 'The desk has not been built (npm run build:web)', content: { 'application/problem+json': 'problem' as const } },
    },
  })),
  {
    path: '/assets/:file',
    summary: "The desk's script and style sheet, named by content hash and cached for a year",
    responses: {
      200: { description: 'The file', content: { 'text/javascript': null, 'text/css': null } },
      ...CACHED,
      404: { description: 'No such file', content: { 'application/problem+json': 'problem' } },
    },
  },
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
    // No ranges (206/416) and no directory redirects: only what DESK_PAGES declares.
    express.static(path.join(publicDir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: true,
      acceptRanges: false,
      redirect: false,
    }),
  );
  const sendShell = (_req: Request, res: Response) => {
    if (!existsSync(shell)) {
      throw new HttpError(503, 'desk-not-built', 'Desk not built', 'The desk has not been built: run npm run build:web (npm start does).');
    }
    res.set('Cache-Control', 'no-cache');
    res.sendFile(shell, { acceptRanges: false });
  };
  router.get(DESK_PATHS, sendShell);
  return router;
}
