/**
 * Builds the finance console with Vite into `lib/console/dist` (git-ignored): `npm start` and the
 * browser tests call {@link ensureConsoleBuilt}, which builds only when the sources changed since
 * the last build (a hash of them is kept beside the output). As a command:
 * `tsx lib/console/build.ts` builds, `--if-stale` only when needed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONSOLE_DIR = resolve(fileURLToPath(import.meta.url), '..');
export const CONSOLE_DIST = join(CONSOLE_DIR, 'dist');

/** A static page built with Vite (the finance console, the customer portal): its folder, output and name in messages. */
export interface PageBuild {
  /** The folder with `index.html` and `src/`. */
  readonly dir: string;
  readonly dist: string;
  readonly name: string;
  /** Files outside `dir` the build also reads (their changes rebuild it). */
  readonly extraInputs?: readonly string[];
}

/** The console bundles the typed client generated from openapi.json: a new client is a new build. */
export const CONSOLE_BUILD: PageBuild = { dir: CONSOLE_DIR, dist: CONSOLE_DIST, name: 'finance console', extraInputs: [join(CONSOLE_DIR, '../api-client/client.ts')] };

function files(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    })
    .sort();
}

/** A hash of everything the build reads: the sources, this script, and the installed versions. */
export function pageSourceHash(page: PageBuild): string {
  const hash = createHash('sha256');
  const root = resolve(CONSOLE_DIR, '../..');
  const inputs = [...files(join(page.dir, 'src')), join(page.dir, 'index.html'), fileURLToPath(import.meta.url), join(root, 'package-lock.json'), ...(page.extraInputs ?? [])];
  for (const file of inputs) {
    if (!existsSync(file)) continue;
    hash.update(relative(page.dir, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export function consoleSourceHash(): string {
  return pageSourceHash(CONSOLE_BUILD);
}

/** True when the page's `dist` holds a build of its current sources. */
export function pageIsFresh(page: PageBuild): boolean {
  const stamp = join(page.dist, '.source-hash');
  return existsSync(join(page.dist, 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === pageSourceHash(page);
}

export function consoleIsFresh(): boolean {
  return pageIsFresh(CONSOLE_BUILD);
}

/** Builds the page (a few seconds); `log` gets the progress. */
export async function buildPage(page: PageBuild, log: (line: string) => void = () => undefined): Promise<void> {
  const started = Date.now();
  const hash = pageSourceHash(page);
  log(`building the ${page.name} (Vite)...`);
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: page.dir,
    // Relative asset URLs: the files work under /console (or /pay) locally and from any folder or bucket.
    base: './',
    logLevel: 'warn',
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    build: { outDir: page.dist, emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 600, reportCompressedSize: false },
  });
  writeFileSync(join(page.dist, '.source-hash'), `${hash}\n`);
  log(`${page.name} built in ${Date.now() - started} ms`);
}

export function buildConsole(log: (line: string) => void = () => undefined): Promise<void> {
  return buildPage(CONSOLE_BUILD, log);
}

/** Builds the page unless its `dist` already holds a build of the current sources. */
export async function ensurePageBuilt(page: PageBuild, log: (line: string) => void = () => undefined): Promise<'fresh' | 'built'> {
  if (pageIsFresh(page)) return 'fresh';
  await buildPage(page, log);
  return 'built';
}

/** Builds the console unless `dist` already holds a build of the current sources. */
export function ensureConsoleBuilt(log: (line: string) => void = () => undefined): Promise<'fresh' | 'built'> {
  return ensurePageBuilt(CONSOLE_BUILD, log);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  const log = (line: string) => console.log(`  ${line}`);
  (ifStale ? ensureConsoleBuilt(log).then((r) => r === 'fresh' && log('finance console is up to date')) : buildConsole(log)).catch((error: unknown) => {
    console.error('The finance console could not be built:', error);
    process.exit(1);
  });
}
