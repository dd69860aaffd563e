import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The checkout's root: the nearest folder above this module holding package.json. Found by walking up so
 * the same code finds `schemas/`, `public/` and `demo/` whether it runs from `src/` under tsx or from the
 * compiled `dist/src/`, one level deeper.
 */
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
}

export const projectRoot = findRoot();

/** An absolute path inside the checkout; a trailing `/` is kept, so folder paths can be concatenated onto. */
export function projectFile(relative: string): string {
  return path.join(projectRoot, relative);
}
