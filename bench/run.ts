// npm run bench [-- --only=NAME] [-- --sizes=10000,100000,1000000]
// Runs every bench/*.bench.ts (each exports `run(args)`), in name order, one after another.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const dir = fileURLToPath(new URL('.', import.meta.url));
const args = Object.fromEntries(
  process.argv
    .slice(2)
    .filter((a) => a.startsWith('--'))
    .map((a) => {
      const [k, v = 'true'] = a.slice(2).split('=');
      return [k, v];
    }),
);

console.log(`# whosaid benchmarks — ${new Date().toISOString()}`);
console.log(
  `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${os.platform()} ${os.release()}`,
);
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()) {
  const name = file.replace(/\.bench\.ts$/, '');
  if (args.only && args.only !== name) continue;
  console.log(`\n## ${name}`);
  const mod = await import(new URL(file, import.meta.url).href);
  await mod.run(args);
}
