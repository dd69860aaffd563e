import path from 'node:path';
import { isIP } from 'node:net';
import { LOG_LEVELS, type LogLevel } from './logging/logger.js';
import { DEFAULT_PORT } from './exports/iri.js';
import { DEFAULT_ORG_NAME, type CreatorMode } from './shared/organisation.js';

/** A start-up failure the operator can act on (a setting, a busy port): shown as its one line, never as a stack trace. */
export class StartupError extends Error {}

export interface Config {
  port: number;
  dbFile: string;
  /** A postgres:// URL: the database is on that PostgreSQL server, not in the SQLite file. */
  databaseUrl: string | undefined;
  /** Connections at most in the PostgreSQL pool. */
  databasePool: number;
  loadDemo: boolean;
  publicReads: boolean;
  rateLimitPerKey: number;
  rateLimitPerAddress: number;
  corsOrigins: string[];
  publicUrl: string | undefined;
  logLevel: LogLevel;
  /** Served over HTTPS (by a proxy in front, or a TLS terminator): send HSTS and upgrade-insecure-requests. */
  tls: boolean;
  /** Express's `trust proxy`: which hops' X-Forwarded-For/-Proto to believe (false: none). */
  trustProxy: boolean | number | string;
  /** The Ed25519 key that signs checkpoints: a file outside the database, created on first start. */
  logKeyFile: string;
  /** The log's name in its checkpoints and verifier key. */
  logOrigin: string;
  /** The newsroom publishing the exports: ClaimReview author, annotation creator. */
  orgName: string;
  /** Its web address; unset: the public base of exported IRIs. */
  orgUrl: string | undefined;
  /** Who an annotation credits as its creator: the organisation, or the API key that made the tag. */
  annotationCreator: CreatorMode;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new StartupError(`${name} must be an integer from ${min} to ${max}, not "${raw}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dbFile = env.WHOSAID_DB ?? './data/whosaid.db';
  const url = publicUrl(env.WHOSAID_PUBLIC_URL);
  return {
    logKeyFile: env.WHOSAID_LOG_KEY || path.join(path.dirname(dbFile === ':memory:' ? './data/x' : dbFile), 'whosaid-log.key'),
    logOrigin: env.WHOSAID_LOG_ORIGIN || (url ? `${new URL(url).host}/whosaid-log` : 'whosaid.localhost/log'),
    port: int(env, 'PORT', DEFAULT_PORT, 65535),
    dbFile,
    databaseUrl: databaseUrl(env.WHOSAID_DATABASE_URL),
    databasePool: int(env, 'WHOSAID_DATABASE_POOL', 10, 1000, 1),
    loadDemo: env.WHOSAID_DEMO !== '0',
    publicReads: env.WHOSAID_PUBLIC_READS === '1',
    rateLimitPerKey: int(env, 'WHOSAID_RATE_LIMIT_PER_KEY', 1200, 1e9),
    rateLimitPerAddress: int(env, 'WHOSAID_RATE_LIMIT_PER_ADDRESS', 600, 1e9),
    publicUrl: url,
    corsOrigins: (env.WHOSAID_CORS_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    logLevel: logLevel(env.WHOSAID_LOG_LEVEL),
    tls: env.WHOSAID_TLS === '1',
    trustProxy: trustProxy(env.WHOSAID_TRUST_PROXY),
    orgName: env.WHOSAID_ORG_NAME?.trim() || DEFAULT_ORG_NAME,
    orgUrl: orgUrl(env.WHOSAID_ORG_URL),
    annotationCreator: annotationCreator(env.WHOSAID_ANNOTATION_CREATOR),
  };
}

/** A PostgreSQL URL; a bad one is refused without repeating it (it may hold a password). */
function databaseUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!URL.canParse(raw) || !/^postgres(ql)?:$/.test(new URL(raw).protocol))
    throw new StartupError('WHOSAID_DATABASE_URL must be a PostgreSQL URL like postgres://user:password@host:5432/whosaid');
  return raw;
}

function logLevel(raw: string | undefined): LogLevel {
  if (!raw) return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(raw))
    throw new StartupError(`WHOSAID_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${raw}"`);
  return raw as LogLevel;
}

/** A hop count ("1"), or addresses and subnets ("loopback", "10.0.0.0/8, 192.168.1.2"), as Express reads them. */
function trustProxy(raw: string | undefined): boolean | number | string {
  if (!raw || raw === '0' || raw === 'false') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  for (const entry of raw.split(',').map((s) => s.trim())) {
    const [address, bits] = entry.split('/');
    const named = ['loopback', 'linklocal', 'uniquelocal'].includes(entry);
    if (!named && (!isIP(address) || (bits !== undefined && !/^\d{1,3}$/.test(bits))))
      throw new StartupError(
        `WHOSAID_TRUST_PROXY must be a hop count or a list of addresses, subnets, loopback, linklocal or uniquelocal; "${entry}" is none of these`,
      );
  }
  return raw;
}

function orgUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol))
    throw new StartupError(`WHOSAID_ORG_URL must be an http(s) URL like https://news.example.org/, not "${raw}"`);
  return raw;
}

function annotationCreator(raw: string | undefined): CreatorMode {
  if (!raw || raw === 'organisation' || raw === 'organization') return 'organisation';
  if (raw === 'key') return 'key';
  throw new StartupError(`WHOSAID_ANNOTATION_CREATOR must be organisation or key, not "${raw}"`);
}

function publicUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!/^https?:\/\/[^/\s]+$/.test(raw.replace(/\/$/, '')))
    throw new StartupError(`WHOSAID_PUBLIC_URL must be an origin like https://whosaid.example.org, not "${raw}"`);
  return raw.replace(/\/$/, '');
}
