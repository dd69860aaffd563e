import { loadConfig } from './config.js';
import { startServer } from './server.js';

const running = await startServer(loadConfig());
const stop = () => running.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
