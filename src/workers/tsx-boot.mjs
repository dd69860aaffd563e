// Run from the sources (tests, npm run dev), a worker thread does not inherit tsx's loader: this registers
// it in the worker, then loads the TypeScript entry. The compiled build never uses this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
