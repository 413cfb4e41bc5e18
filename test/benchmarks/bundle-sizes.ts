/**
 * Bundles every Lambda of lib/definitions/functions.ts with esbuild and the options the CDK stack
 * uses (lib/constructs/handler-functions.ts: ESM, node22, minified, names kept, AWS SDK external) and
 * prints each bundle's size, how much of it is zod, and as its last line a JSON summary.
 * `npm run bench:bundles`
 */
import { build } from 'esbuild';
import path from 'node:path';
import { functions } from '../../lib/definitions/functions';

const root = path.resolve(import.meta.dirname, '../..');
const kib = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

const rows: { id: string; kib: number; zodKib: number }[] = [];
for (const [i, definition] of functions.entries()) {
  const result = await build({
    entryPoints: [path.join(root, definition.entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    keepNames: true,
    external: ['@aws-sdk/*'],
    outfile: path.join(root, 'cdk.out/bundle-sizes', `${definition.id}.mjs`),
    logLevel: 'error',
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined)!;
  const zod = Object.entries(output.inputs)
    .filter(([file]) => file.includes('node_modules/zod/'))
    .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
  rows.push({ id: definition.id, kib: kib(output.bytes), zodKib: kib(zod) });
  process.stderr.write(`\rbundled ${i + 1}/${functions.length} ${definition.id.padEnd(30)}`);
}
process.stderr.write('\n');
for (const row of rows) console.log(`${row.id.padEnd(30)} ${String(row.kib).padStart(8)} KiB  zod ${String(row.zodKib).padStart(7)} KiB`);
const total = rows.reduce((s, r) => s + r.kib, 0);
const sorted = rows.map((r) => r.kib).sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
const zodMedian = rows.map((r) => r.zodKib).sort((a, b) => a - b)[Math.floor(rows.length / 2)];
console.log(JSON.stringify({ functions: rows.length, totalKiB: Math.round(total), medianKiB: median, medianZodKiB: zodMedian, maxKiB: sorted.at(-1) }));
