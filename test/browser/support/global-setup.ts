/**
 * Before the browser tests: Chromium must be there (else a clear message), and the console is
 * built when its sources changed since the last build.
 */
import { ensureConsoleBuilt } from '../../../lib/console/build';
import { ensurePortalBuilt } from '../../../lib/portal/build';
import { assertChromium } from './browser';

export default async function setup(): Promise<void> {
  assertChromium();
  const result = await ensureConsoleBuilt((line) => console.log(`[browser tests] ${line}`));
  if (result === 'fresh') console.log('[browser tests] the finance console build is up to date');
  // The customer portal, built the same way.
  const portal = await ensurePortalBuilt((line) => console.log(`[browser tests] ${line}`));
  if (portal === 'fresh') console.log('[browser tests] the customer portal build is up to date');
}
