// npm run bench -- --only=sqlite-settings [--settings-size=100000] [--settings-rounds=7]
//
// Why the service opens SQLite as it does (src/db/sqlite-settings.ts): the service's reads — a statement
// with its claims, a statement's provenance, a rare-phrase search, a common-word search — timed through the
// services on connections opened with the service's settings and with a few alternatives, all to the same
// generated database (bench/synthetic-db.ts), in one process. Rounds alternate between the connections so a
// slow moment of the shared machine falls on all of them; each figure is the median round.
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { createServices } from '../src/app.js';
import { openDatabase } from '../src/db/database.js';
import { assertServiceSettings, SQLITE_SETTINGS } from '../src/db/sqlite-settings.js';
import { createSchemaRegistry } from '../src/validation/ajv.js';
import { createRng } from './synthetic.js';
import { copySyntheticDatabase, syntheticDatabase } from './synthetic-db.js';

const VARIANTS: Array<{ name: string; pragmas: Record<string, number> }> = [
  { name: 'service (src/db/sqlite-settings.ts)', pragmas: {} },
  { name: 'SQLite defaults: 2 MB cache, no mmap, temp files on disk', pragmas: { cache_size: -2000, mmap_size: 0, temp_store: 0 } },
  { name: 'service + 256 MB mmap', pragmas: { mmap_size: 256 * 2 ** 20 } },
  { name: 'service with a 2 MB cache', pragmas: { cache_size: -2000 } },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(args: Record<string, string>): Promise<void> {
  const n = Number(args['settings-size'] ?? 100_000);
  const rounds = Number(args['settings-rounds'] ?? 7);
  const cached = await syntheticDatabase(n);
  const dir = mkdtempSync(path.join(tmpdir(), 'whosaid-bench-settings-'));
  const file = copySyntheticDatabase(cached, path.join(dir, 'synthetic.db'));
  const registry = createSchemaRegistry();
  const connections = VARIANTS.map((v) => {
    // Each connection has its own page cache; the OS file cache is shared.
    const db = openDatabase(file);
    if (v.name.startsWith('service (')) assertServiceSettings(db.sqlite, 'the service variant');
    for (const [k, val] of Object.entries(v.pragmas)) db.sqlite.pragma(`${k} = ${val}`);
    return { ...v, db, services: createServices(db, registry) };
  });

  const rng = createRng(11);
  const ids = Array.from({ length: 400 }, () => 1 + Math.floor(rng() * n));
  const vocabulary = cached.info.vocabulary;
  const textOf = connections[0].db.sqlite.prepare('SELECT text FROM statements WHERE id = ?').pluck();
  const rare = ids.slice(0, 40).map((id) => (textOf.get(id) as string).split(/\s+/).slice(2, 5).join(' '));
  const common = vocabulary.slice(0, 10);
  type Conn = (typeof connections)[number];
  // Each operation runs on every connection before the next one starts (in a rotated order), so the
  // connections see the same moments of the machine, not the same few seconds each.
  const work: Record<string, { items: unknown[]; op: (c: Conn, item: never) => void }> = {
    'statement with claims × 400': { items: ids, op: (c, id: number) => c.services.statements.getWithClaims(id) },
    'provenance × 400': { items: ids, op: (c, id: number) => c.services.provenance.forStatementId(id) },
    'three-word phrase search × 40': { items: rare, op: (c, q: string) => c.services.search.search({ q }) },
    'common-word search × 10': { items: common, op: (c, q: string) => c.services.search.search({ q }) },
  };
  const names = Object.keys(work);
  const times = new Map<string, Map<string, number[]>>(connections.map((c) => [c.name, new Map(names.map((w) => [w, []]))]));
  for (let r = -1; r < rounds; r++) {
    for (const w of names) {
      const total = new Map<string, number>(connections.map((c) => [c.name, 0]));
      work[w].items.forEach((item, k) => {
        for (let i = 0; i < connections.length; i++) {
          const c = connections[(i + k + r + 1) % connections.length];
          const t0 = performance.now();
          work[w].op(c, item as never);
          total.set(c.name, total.get(c.name)! + performance.now() - t0);
        }
      });
      // Round -1 warms every cache up and is not counted.
      if (r >= 0) for (const c of connections) times.get(c.name)!.get(w)!.push(total.get(c.name)!);
    }
  }
  console.log(
    `${n.toLocaleString('en')} statements, ${rounds} interleaved rounds, median ms per batch; load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}. Service: ${Object.entries(SQLITE_SETTINGS)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.\n`,
  );
  console.log(`| connection | ${names.join(' | ')} |`);
  console.log(`|---|${names.map(() => '---:').join('|')}|`);
  const base = times.get(connections[0].name)!;
  for (const c of connections) {
    const t = times.get(c.name)!;
    const cells = names.map((w) => {
      const m = median(t.get(w)!);
      return `${m.toFixed(1)} (${(m / median(base.get(w)!)).toFixed(2)}×)`;
    });
    console.log(`| ${c.name} | ${cells.join(' | ')} |`);
  }
  for (const c of connections) await c.db.close();
  rmSync(dir, { recursive: true, force: true });
}
