import { createServices } from '../app.js';
import { loadConfig } from '../config.js';
import { openMigrated } from '../db/open.js';
import { loadDemo } from '../demo/load-demo.js';
import { createSchemaRegistry } from '../validation/ajv.js';

const { dbFile } = loadConfig();
const db = await openMigrated(dbFile);
const registry = createSchemaRegistry();
const result = loadDemo(db, createServices(db, registry), registry);
console.log(`demo story: ${result.created} created, ${result.updated} updated, ${result.existing} already there`);
db.close();
