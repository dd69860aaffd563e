export interface Config {
  port: number;
  dbFile: string;
  loadDemo: boolean;
  publicReads: boolean;
  rateLimitPerKey: number;
  rateLimitPerAddress: number;
  corsOrigins: string[];
  publicUrl: string | undefined;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`${name} must be an integer from 0 to ${max}, not "${raw}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: int(env, 'PORT', 3000, 65535),
    dbFile: env.WHOSAID_DB ?? './data/whosaid.db',
    loadDemo: env.WHOSAID_DEMO !== '0',
    publicReads: env.WHOSAID_PUBLIC_READS === '1',
    rateLimitPerKey: int(env, 'WHOSAID_RATE_LIMIT_PER_KEY', 1200, 1e9),
    rateLimitPerAddress: int(env, 'WHOSAID_RATE_LIMIT_PER_ADDRESS', 600, 1e9),
    publicUrl: publicUrl(env.WHOSAID_PUBLIC_URL),
    corsOrigins: (env.WHOSAID_CORS_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  };
}

function publicUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!/^https?:\/\/[^/\s]+$/.test(raw.replace(/\/$/, '')))
    throw new Error(`WHOSAID_PUBLIC_URL must be an origin like https://whosaid.example.org, not "${raw}"`);
  return raw.replace(/\/$/, '');
}
