export type { Db, Dialect, IdTable, NewRow, Row } from './db.js';
export { openDatabase, SqliteDb, type Sqlite } from './sqlite-db.js';
