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
const STAMP = join(CONSOLE_DIST, '.source-hash');

function files(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    })
    .sort();
}

/** A hash of everything the build reads: the sources, this script, and the installed versions. */
export function consoleSourceHash(): string {
  const hash = createHash('sha256');
  const root = resolve(CONSOLE_DIR, '../..');
  const inputs = [...files(join(CONSOLE_DIR, 'src')), join(CONSOLE_DIR, 'index.html'), fileURLToPath(import.meta.url), join(root, 'package-lock.json')];
  for (const file of inputs) {
    if (!existsSync(file)) continue;
    hash.update(relative(CONSOLE_DIR, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/** True when `dist` holds a build of the current sources. */
export function consoleIsFresh(): boolean {
  return existsSync(join(CONSOLE_DIST, 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === consoleSourceHash();
}

/** Builds the console (a few seconds); `log` gets the progress. */
export async function buildConsole(log: (line: string) => void = () => undefined): Promise<void> {
  const started = Date.now();
  const hash = consoleSourceHash();
  log('building the finance console (Vite)...');
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: CONSOLE_DIR,
    // Relative asset URLs: the files work under /console locally and from any folder or bucket.
    base: './',
    logLevel: 'warn',
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    build: { outDir: CONSOLE_DIST, emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 600, reportCompressedSize: false },
  });
  writeFileSync(STAMP, `${hash}\n`);
  log(`finance console built in ${Date.now() - started} ms`);
}

/** Builds the console unless `dist` already holds a build of the current sources. */
export async function ensureConsoleBuilt(log: (line: string) => void = () => undefined): Promise<'fresh' | 'built'> {
  if (consoleIsFresh()) return 'fresh';
  await buildConsole(log);
  return 'built';
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  const log = (line: string) => console.log(`  ${line}`);
  (ifStale ? ensureConsoleBuilt(log).then((r) => r === 'fresh' && log('finance console is up to date')) : buildConsole(log)).catch((error: unknown) => {
    console.error('The finance console could not be built:', error);
    process.exit(1);
  });
}
