import type { Command } from 'commander';
import { dbFileOf, isPostgresUrl, openForCommand } from '../database.js';

export function searchIndexCommands(program: Command): void {
  program
    .command('optimize-search')
    .summary('merge each full-text index into one segment (SQLite; optional upkeep)')
    .description(
      'Merge each full-text search index into a single segment, so every search looks each word up once. ' +
        'The service already merges after bulk writes, in bounded steps; this does all of it at once: ' +
        'about a minute per million statements, during which writes wait. Nothing to do on PostgreSQL.',
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const target = dbFileOf(cmd);
      if (isPostgresUrl(target)) {
        console.log('PostgreSQL keeps its own search indexes (autovacuum): nothing to do');
        return;
      }
      const { db, services } = await openForCommand(target, 'read');
      try {
        for (const r of await services.searchIndex.optimize()) {
          console.log(`${r.index} index: ${r.segmentsBefore} → ${r.segmentsAfter} segments in ${(r.ms / 1000).toFixed(1)} s`);
        }
      } finally {
        await db.close();
      }
    });
}
