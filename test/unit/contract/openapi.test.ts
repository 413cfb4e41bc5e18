import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { routes } from '../../../lib/definitions/routes';
import { routeContracts } from '../../../lambdas/shared/api-contract';
import { openApiDocument, openApiText } from '../../../lambdas/shared/openapi';
import { parseWith } from '../../../lambdas/core/validation';
import { generatedClientText } from '../../../lib/api-client/generate';

const root = join(import.meta.dirname, '../../..');
type Operation = { operationId: string; parameters: { name: string; in: string; required: boolean }[]; responses: Record<string, unknown>; 'x-roles': string[]; requestBody?: unknown };

describe('the OpenAPI document', () => {
  const document = openApiDocument() as { paths: Record<string, Record<string, Operation>> };

  it('is the committed openapi.json: change a route or a schema and this fails until `npm run openapi` writes it again', () => {
    expect(readFileSync(join(root, 'openapi.json'), 'utf8')).toBe(openApiText());
  });

  it('has its typed client (lib/api-client/client.ts) generated from the committed document, as `npm run openapi` writes it', () => {
    expect(readFileSync(join(root, 'lib/api-client/client.ts'), 'utf8')).toBe(generatedClientText(join(root, 'openapi.json')));
  }, 150_000);

  it('has one operation per route of the table, with its roles, and a contract for every route and no other', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })));
    expect(operations.map((o) => o.key).sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
    expect(Object.keys(routeContracts).sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
    for (const route of routes) expect(document.paths[route.path]![route.method.toLowerCase()]!['x-roles']).toEqual([...route.access]);
    expect(new Set(operations.map((o) => o.op.operationId)).size).toBe(operations.length);
  });

  it('requires an Idempotency-Key exactly on the routes that move money, and answers 428 there', () => {
    for (const route of routes) {
      const op = document.paths[route.path]![route.method.toLowerCase()]!;
      const key = op.parameters.find((p) => p.name === 'Idempotency-Key');
      expect(key?.required ?? false, `${route.method} ${route.path}`).toBe(route.movesMoney === true);
      expect('428' in op.responses, `${route.method} ${route.path}`).toBe(route.movesMoney === true);
    }
  });

  it('documents the pagination parameters of every list that takes a cursor', () => {
    for (const route of routes.filter((r) => r.query?.cursor)) {
      const names = document.paths[route.path]![route.method.toLowerCase()]!.parameters.map((p) => p.name);
      expect(names).toEqual(expect.arrayContaining(['limit', 'cursor']));
    }
  });

  it("gives request examples the product's own validation accepts", () => {
    for (const [key, contract] of Object.entries(routeContracts)) {
      if (contract.request && contract.requestExample !== undefined) expect(() => parseWith(contract.request!, contract.requestExample), key).not.toThrow();
    }
  });

  it('passes the Redocly OpenAPI linter (recommended rules, redocly.yaml) with no error and no warning', async () => {
    const { stdout } = await promisify(execFile)(join(root, 'node_modules/.bin/redocly'), ['lint', 'openapi.json', '--format=json'], {
      cwd: root,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      timeout: 120_000,
    });
    const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: unknown[] };
    expect(report.problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 150_000);
});
