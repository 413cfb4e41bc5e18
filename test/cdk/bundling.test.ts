/**
 * The one CDK test that really bundles: every function's entry goes through esbuild as `cdk synth`
 * does it, into a temporary cloud assembly. The other CDK tests skip bundling to stay fast.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { functions } from '../../lib/definitions/functions';
import { runTsx } from '../support/run-command';

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'order-to-cash-cdk-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

describe('bundling', () => {
  it('bundles every handler into one minified ESM file with a source map, leaving the AWS SDK to the runtime', { timeout: 600_000 }, async () => {
    // Synthesized in a child process: CDK bundles synchronously, which would block this worker.
    const synth = await runTsx('test/cdk/support/synth-bundled.ts', [outdir], { timeoutMs: 590_000 });
    expect(synth.status, synth.stderr).toBe(0);
    const assets = JSON.parse(synth.stdout) as Record<string, string | null>;
    const sizes: Record<string, string> = {};
    for (const definition of functions) {
      const dir = assets[definition.id];
      expect(dir, `${definition.id} asset`).toBeTruthy();
      expect(fs.readdirSync(dir!).sort()).toEqual(['index.mjs', 'index.mjs.map']);
      const code = fs.readFileSync(path.join(dir!, 'index.mjs'), 'utf8');
      // ESM with the createRequire banner, minified (few lines), no bundled SDK client
      expect(code.startsWith("import { createRequire as __createRequire } from 'node:module';")).toBe(true);
      expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
      expect(code).not.toMatch(/@aws-sdk\/[a-z-]+\/dist-(cjs|es)/);
      expect(code).toMatch(/export\s*\{[^}]*\bhandler\b/);
      const bytes = fs.statSync(path.join(dir!, 'index.mjs')).size;
      expect(bytes).toBeLessThan(3 * 1024 * 1024);
      sizes[definition.id] = `${(bytes / 1024).toFixed(1)} KiB`;
    }
    console.info('bundle sizes', sizes);
  });
});
