import type { Bundle, BundleResult } from '../generated/schema-types.js';
import { APPLIERS, type BundleServices } from './bundle-appliers.js';
import type { BundleRepository } from './bundle-repository.js';
import { BundleRun } from './bundle-run.js';

export type { BundleServices };

/**
 * A bundle is applied inside the caller's transaction: any failing item throws, and nothing stays written.
 * Keys are remembered per namespace, so a second post of the same bundle finds every record again.
 */
export class BundleService {
  constructor(
    private readonly repo: BundleRepository,
    private readonly s: BundleServices,
  ) {}

  async apply(bundle: Bundle): Promise<BundleResult> {
    await this.repo.lockNamespace(bundle.namespace);
    const run = new BundleRun(this.repo, bundle);
    for (const apply of APPLIERS) await apply(run, this.s);
    return run.finish();
  }
}
