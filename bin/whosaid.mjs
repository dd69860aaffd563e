#!/usr/bin/env node
// The `whosaid` command: the compiled CLI under plain node, building dist/ first when it is missing or stale.
import { ensureBuilt } from '../scripts/build.mjs';

ensureBuilt();
process.setSourceMapsEnabled(true);
await import('../dist/src/cli/whosaid.js');
