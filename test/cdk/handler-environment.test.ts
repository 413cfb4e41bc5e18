/**
 * Contract between the stack and the handlers: each handler module loads (cold start) with
 * exactly the environment the stack gives its function, so a handler that needs a table its
 * declaration does not list fails here instead of at its first cold start in AWS. Loading builds
 * SDK clients but sends nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { repositoryRoot } from '../../lib/constructs/repository';
import { functions } from '../../lib/definitions/functions';
import { buildStack } from './fixture';

const dev = buildStack();
const savedEnv = { ...process.env };

/** Template values become plain strings: a table name `{Ref}` becomes a fake name, ARNs a fake ARN. */
function plainEnvironment(variables: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : name.endsWith('_ARN') ? `arn:aws:states:eu-central-1:123456789012:stateMachine:test` : `test-${name.toLowerCase()}`,
    ]),
  );
}

beforeAll(() => {
  process.env = { AWS_REGION: 'eu-central-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', PATH: savedEnv.PATH };
});
afterAll(() => {
  process.env = savedEnv;
});

describe.each(functions.map((f) => [f.id, f] as const))('handler of %s', (id, definition) => {
  const entry = path.join(repositoryRoot, definition.entry);
  it.skipIf(!fs.existsSync(entry))('loads with only the environment its function gets, and exports handler', async () => {
    const fn = dev.resource(dev.functionLogicalId(id));
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const before = { ...process.env };
    Object.assign(process.env, plainEnvironment(variables));
    // Every variable the module asks for at load and the function does not get, not just the first.
    const missing: string[] = [];
    try {
      for (;;) {
        try {
          const module = (await import(entry)) as { handler?: unknown };
          expect(typeof module.handler).toBe('function');
          break;
        } catch (error) {
          const name = /Environment variable (\w+) is not set/.exec(String(error))?.[1];
          if (!name || missing.includes(name)) throw error;
          missing.push(name);
          process.env[name] = `test-${name.toLowerCase()}`;
          vi.resetModules();
        }
      }
    } finally {
      process.env = before;
    }
    expect(missing, `variables ${definition.entry} needs at cold start that the ${id} declaration does not give`).toEqual([]);
  });
});
