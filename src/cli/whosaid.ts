// The `whosaid` command line (bin/whosaid.mjs runs the compiled copy of this file).
import { run } from './program.js';

const code = await run(process.argv);
// `serve` keeps running; every other command is done here.
if (code !== 0) process.exit(code);
