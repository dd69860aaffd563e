import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogOptions {
  level?: LogLevel;
  /** Where lines go (tests pass a stream that keeps them); default: stdout. */
  destination?: DestinationStream;
  /** Human-readable lines instead of JSON; default: when stdout is a terminal and no destination is given. */
  pretty?: boolean;
}

// pino's isoTime, formatting the time once per millisecond: a busy server writes several lines in each.
let lastMs = -1;
let lastTime = '';
const isoTime = (): string => {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastTime = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTime;
};

/**
 * The one logger of a process: JSON lines with the level as a word and an ISO time, so any log shipper
 * reads them. Callers never log request bodies, query strings or confidential fields; see request-log.ts.
 */
export function createLogger(opts: LogOptions = {}): Logger {
  const options: LoggerOptions = {
    level: opts.level ?? 'info',
    base: { pid: process.pid },
    timestamp: isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  if (opts.destination) return pino(options, opts.destination);
  if (opts.pretty ?? process.stdout.isTTY) {
    // Loaded only for a terminal: a service writing JSON never pays for it.
    const pretty = createRequire(import.meta.url)('pino-pretty') as (o: object) => DestinationStream;
    return pino(options, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid' }));
  }
  return pino(options);
}

/** A destination that hands each line to `write`: what tests use to read every line. */
export const lineSink = (write: (line: string) => void): DestinationStream => ({ write });
