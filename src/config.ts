export interface Config {
  port: number;
  dbFile: string;
  loadDemo: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not "${env.PORT}"`);
  return {
    port,
    dbFile: env.WHOSAID_DB ?? './data/whosaid.db',
    loadDemo: env.WHOSAID_DEMO !== '0',
  };
}
