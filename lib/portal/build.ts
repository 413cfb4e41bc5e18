/**
 * Builds the customer portal with the finance console's tooling (Vite, Preact) into
 * `lib/portal/dist` (git-ignored): `npm start`, the browser tests and the CDK deployment call
 * {@link ensurePortalBuilt}. As a command: `tsx lib/portal/build.ts` builds, `--if-stale` only when needed.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPage, ensurePageBuilt, type PageBuild } from '../console/build';

export const PORTAL_DIR = resolve(fileURLToPath(import.meta.url), '..');
export const PORTAL_DIST = join(PORTAL_DIR, 'dist');
export const PORTAL_BUILD: PageBuild = { dir: PORTAL_DIR, dist: PORTAL_DIST, name: 'customer portal', extraInputs: [fileURLToPath(import.meta.url)] };

export function ensurePortalBuilt(log: (line: string) => void = () => undefined): Promise<'fresh' | 'built'> {
  return ensurePageBuilt(PORTAL_BUILD, log);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const log = (line: string) => console.log(`  ${line}`);
  (process.argv.includes('--if-stale') ? ensurePortalBuilt(log) : buildPage(PORTAL_BUILD, log)).catch((error: unknown) => {
    console.error('The customer portal could not be built:', error);
    process.exit(1);
  });
}
