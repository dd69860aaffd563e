import pg from 'pg';

// pg hands 64-bit integers and numerics back as strings, so that no digit is lost. whosaid's ids,
// counts (count(*) is bigint) and sums fit a double by far, and the code above the Db expects numbers,
// as SQLite gives them. bytea stays a Buffer, as SQLite's blobs.
const INT8 = 20;
const NUMERIC = 1700;
const INT8_ARRAY = 1016;
const NUMERIC_ARRAY = 1231;

type Parser = (value: string) => unknown;
const builtIn = pg.types.getTypeParser as (oid: number, format?: 'text' | 'binary') => Parser;
const toNumber = (v: string) => Number(v);

function parserFor(oid: number, format: 'text' | 'binary' = 'text'): Parser {
  if (format === 'binary') return builtIn(oid, format);
  if (oid === INT8 || oid === NUMERIC) return toNumber;
  if (oid === INT8_ARRAY || oid === NUMERIC_ARRAY) {
    const parseArray = builtIn(oid) as (v: string) => Array<string | null>;
    return (v) => parseArray(v).map((x) => (x === null ? null : Number(x)));
  }
  return builtIn(oid);
}

const types = { getTypeParser: parserFor } as unknown as pg.CustomTypesConfig;

export interface PoolOptions {
  /** Connections at most (WHOSAID_DATABASE_POOL). */
  size: number;
}

export function createPool(url: string, { size }: PoolOptions): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: size, types, application_name: 'whosaid', allowExitOnIdle: true });
  // An idle connection the server closed (a restart, a dropped database) must not crash the process:
  // the pool discards it and the next query opens a fresh one.
  pool.on('error', () => {});
  return pool;
}
