// `npm start`: the compiled server under plain node, built first when dist/ is missing or stale, and the desk (public/) likewise.
import { ensureBuilt } from './build.mjs';
import { buildWeb, isStale as webIsStale } from './build-web.mjs';

ensureBuilt();
if (webIsStale()) await buildWeb();
process.setSourceMapsEnabled(true);
await import('../dist/src/index.js');
