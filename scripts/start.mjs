// `npm start`: the compiled server under plain node, built first when dist/ is missing or stale.
import { ensureBuilt } from './build.mjs';

ensureBuilt();
process.setSourceMapsEnabled(true);
await import('../dist/src/index.js');
