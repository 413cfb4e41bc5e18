/**
 * Headless Chromium (Debian's package) driven by playwright-core, for the finance console's
 * browser tests: a fresh profile per launch, screenshots kept in `test-results/browser/`.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = resolve(fileURLToPath(import.meta.url), '../../../../test-results/browser');

/** Fails with what to do when Chromium is not installed. */
export function assertChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing (looked for ${CHROMIUM}). The console's browser tests drive Debian's Chromium: ` +
        'run `bash local-aws/system-deps.sh --browser` (as root on Debian/Ubuntu it installs it; `.ci/run` does), ' +
        'or install it yourself (`apt-get install chromium`) or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
}

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  assertChromium();
  const profile = mkdtempSync(join(tmpdir(), 'otc-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1360, height: 1000 },
    timeout: 60_000,
  });
  context.setDefaultTimeout(30_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      if (errors.length) throw new Error(`The console threw in the browser: ${errors.join('; ')}`);
    },
  };
}

/** Opens the console and gives it the finance key, as a user does on first visit. */
export async function connect(page: Page, baseUrl: string, financeKey: string): Promise<void> {
  await page.goto(`${baseUrl}/console/`);
  await page.getByLabel('Finance API key').fill(financeKey);
  await page.getByRole('button', { name: 'Save and connect' }).click();
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
}

/** Where `README_SCREENSHOTS=1` writes the README's pictures (committed). */
export const README_SCREENSHOTS = resolve(fileURLToPath(import.meta.url), '../../screenshots');

/** With `README_SCREENSHOTS=1`, keeps the part of the page `selector` names as the README's picture `name`. */
export async function readmeScreenshot(page: Page, name: string, selector: string): Promise<void> {
  if (process.env.README_SCREENSHOTS !== '1') return;
  mkdirSync(README_SCREENSHOTS, { recursive: true });
  await page.locator(selector).first().screenshot({ path: join(README_SCREENSHOTS, `${name}.png`) });
}

/** Keeps a full-page screenshot as a test artifact; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
