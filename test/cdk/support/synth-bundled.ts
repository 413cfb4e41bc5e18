/**
 * Synthesizes the stack with real bundling (esbuild, as `cdk synth` does) into the folder given as
 * the first argument, and prints `{ functionId: assetDirectory }` as JSON: run by the bundling test
 * in a child process, because CDK bundles synchronously and would block the test worker for minutes.
 */
import * as path from 'node:path';
import { functions } from '../../../lib/definitions/functions';
import { buildStack } from '../fixture';

const outdir = process.argv[2];
if (!outdir) throw new Error('usage: synth-bundled.ts <outdir>');
const built = buildStack({ 'aws:cdk:enable-asset-metadata': true }, { bundling: true, outdir });
const assembly = built.app.synth();
const assets: Record<string, string | null> = {};
for (const definition of functions) {
  const fn = built.resource(built.functionLogicalId(definition.id));
  const assetPath = (fn as { Metadata?: Record<string, string> }).Metadata?.['aws:asset:path'];
  assets[definition.id] = assetPath ? path.join(assembly.directory, assetPath) : null;
}
process.stdout.write(JSON.stringify(assets));
