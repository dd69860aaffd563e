import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';

const { dbFile } = loadConfig();
const db = openDatabase(dbFile);
const applied = await migrateToLatest(db.kysely);
console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
db.close();
