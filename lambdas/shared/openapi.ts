/**
 * The API's OpenAPI 3.1 document, generated from the route table (`lib/definitions/routes.ts`:
 * paths, methods, roles, query parameters, body limits, the Idempotency-Key contract) and the
 * schemas of `api-contract.ts` (the core's zod request schemas, converted with zod's own JSON
 * Schema conversion, and the declared responses). Served at `GET /openapi.json` and committed as
 * `openapi.json` (`npm run openapi` writes it; a unit test fails when the two differ).
 */
import * as z from 'zod';
import { BODY_LIMITS, PATH_PARAMETER_PATTERN, PATH_PARAMETER_RULE, routes, type QueryParameter, type RouteDefinition } from '../../lib/definitions/routes';
import { routeContracts } from './api-contract';
import { PROBLEM_CONTENT_TYPE, problemDocument } from './problem';

type Json = Record<string, unknown>;

/** The version of the API contract (the routes are v1); raise it with every change a client can notice. */
export const API_VERSION = '1.1.0';

/** zod's JSON Schema (2020-12, the dialect of OpenAPI 3.1) of what a client sends or receives. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  return rest;
}

function querySchema(spec: QueryParameter): Json {
  switch (spec.kind) {
    case 'limit':
      return { type: 'integer', minimum: 1, maximum: spec.max, description: `Items per page (1 to ${spec.max})` };
    case 'cursor':
      return { type: 'string', description: 'The signed cursor a previous page answered (`cursor`, or `nextCursor`), for the next page of the same list and filters' };
    case 'identifier':
      return { type: 'string', pattern: PATH_PARAMETER_PATTERN.source };
    case 'enum':
      return { type: 'string', enum: [...spec.values] };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'month':
      return { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'A month YYYY-MM' };
    case 'integer':
      return { type: 'integer', minimum: spec.min, maximum: spec.max };
  }
}

const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });

function problemResponse(description: string, status: number, code: string, message: string, details: unknown[] = []): Json {
  return {
    description,
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' }, example: problemDocument(status, code, message, details) } },
  };
}

const PROBLEM_SCHEMA: Json = {
  type: 'object',
  description:
    'RFC 9457 problem details. `type` identifies the problem (a URN per `error.code`), `title` summarises it, `detail` says what is wrong with this request; `error` keeps the product\'s own shape: `code`, `message` (= `detail`) and `details` (the fields and their problems).',
  required: ['type', 'title', 'status', 'detail', 'error'],
  properties: {
    type: { type: 'string', format: 'uri', example: 'urn:problem-type:order-to-cash:validation-failed' },
    title: { type: 'string', example: 'Validation failed' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string', example: 'VALIDATION_FAILED' },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: {
            type: 'object',
            description: 'A field and its problem, or (404) the entity and id not found',
            properties: {
              field: { type: 'string', description: 'The field, parameter or header (`lines[0].sku`, `limit`, `Idempotency-Key`, `(body)`)' },
              problem: { type: 'string' },
              entity: { type: 'string' },
              id: { type: 'string' },
            },
          },
        },
      },
    },
  },
};

const RESPONSES: Json = {
  BadRequest: problemResponse('The request breaks a rule: every field and its problem are named; nothing changed', 400, 'VALIDATION_FAILED', 'email: must be an email address', [{ field: 'email', problem: 'must be an email address' }]),
  Unauthorized: problemResponse('No x-api-key, or one that is unknown or revoked', 401, 'UNAUTHORIZED', 'Missing or unknown x-api-key credential'),
  Forbidden: problemResponse("The key's role may not call this route, or a storefront sent a field only finance may set", 403, 'FORBIDDEN', 'This credential may not call this route'),
  NotFound: problemResponse('No such record (a storefront also gets 404 for another storefront\'s records), or no such route', 404, 'NOT_FOUND', 'Order 6f1c1d7e does not exist', [{ entity: 'Order', id: '6f1c1d7e' }]),
  Conflict: problemResponse('The record is not in a state that allows this, or a request with this Idempotency-Key is still running', 409, 'IDEMPOTENT_REQUEST_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed; retry shortly'),
  PayloadTooLarge: problemResponse("The body is larger than the route accepts", 413, 'PAYLOAD_TOO_LARGE', 'The request body is 2,000,000 bytes; POST /orders accepts at most 1 MiB (1,048,576 bytes)', [{ field: '(body)', problem: 'is 2000000 bytes, more than the 1048576 bytes this route accepts' }]),
  IdempotencyKeyReused: problemResponse('This Idempotency-Key was used with another body', 422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request body', [{ field: 'Idempotency-Key', problem: 'was used with a different request body' }]),
  IdempotencyKeyRequired: problemResponse('The route moves money and the request carries no Idempotency-Key', 428, 'IDEMPOTENCY_KEY_REQUIRED', 'This request moves money: send an Idempotency-Key header (a unique value per intended operation, the same on every retry of it)', [{ field: 'Idempotency-Key', problem: 'is required for requests that move money' }]),
  Internal: problemResponse('Nothing internal is said; it is safe to retry with the same Idempotency-Key', 500, 'INTERNAL', 'The request could not be completed; it is safe to retry with the same Idempotency-Key'),
};

/** One line per first path segment (an OpenAPI tag); a new segment without one shows its own name. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  customers: 'Customers: registered by a storefront, their terms set by finance',
  orders: "Orders and their lifecycle: credit check, shipments, invoicing, completion",
  invoices: 'Invoices, their documents, disputes, promises, dunning blocks, write-offs and imports of open items',
  payments: 'Payments and their application to invoices',
  remittances: 'Bank statements: uploaded, read and applied line by line',
  reports: 'Aging, KPIs and the ledger check',
  dunning: 'Dunning runs and policies',
  collections: "The collectors' worklist",
  worklists: 'Steps waiting for finance after their retries',
  'openapi.json': 'This document',
};

function operationId(route: RouteDefinition): string {
  const words = route.path
    .split('/')
    .filter(Boolean)
    .map((segment) => segment.replace(/[{}]/g, '').replace(/\.json$/, 'Json'))
    .flatMap((segment) => segment.split(/[^A-Za-z0-9]+/));
  return [route.method.toLowerCase(), ...words.map((w) => w.charAt(0).toUpperCase() + w.slice(1))].join('');
}

function operation(route: RouteDefinition): Json {
  const key = `${route.method} ${route.path}`;
  const contract = routeContracts[key];
  if (!contract) throw new Error(`No contract for ${key} in lambdas/shared/api-contract.ts`);
  const pathParameters = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    description: `An id: ${PATH_PARAMETER_RULE}`,
    schema: { type: 'string', pattern: PATH_PARAMETER_PATTERN.source },
  }));
  const queryParameters = Object.entries(route.query ?? {}).map(([name, spec]) => ({ name, in: 'query', required: false, schema: querySchema(spec) }));
  const mutating = route.method !== 'GET';
  const idempotencyKey = mutating
    ? [
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: route.movesMoney === true,
          description: route.movesMoney
            ? 'Required (this route moves money): a unique value per intended operation, the same on every retry. A retry answers the first response again (header `idempotent-replayed: true`); the same key with another body is a 422; while the first call runs, a 409.'
            : 'Optional: a retry with the same key answers the first response again instead of acting twice.',
          schema: { type: 'string', minLength: 1, maxLength: 255 },
        },
      ]
    : [];
  const maxBytes = route.maxBodyBytes ?? BODY_LIMITS.json;
  const requestBody = contract.request || contract.otherRequestTypes?.length
    ? {
        required: route.method === 'POST' && !/(cancel|retry|runs)$/.test(route.path),
        description: `At most ${maxBytes.toLocaleString('en-US')} bytes (413 above).`,
        content: {
          ...(contract.request ? { 'application/json': { schema: jsonSchema(contract.request, 'input'), ...(contract.requestExample !== undefined ? { example: contract.requestExample } : {}) } } : {}),
          ...Object.fromEntries((contract.otherRequestTypes ?? []).map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
        },
      }
    : undefined;
  const success = contract.response;
  const successContent = Object.fromEntries(
    (success.mediaTypes ?? ['application/json']).map((type) => [
      type,
      type === 'application/json' ? { schema: jsonSchema(success.schema, 'output'), ...(success.example !== undefined ? { example: success.example } : {}) } : { schema: { type: 'string' } },
    ]),
  );
  const responses: Json = {
    [String(success.status)]: { description: contract.summary, content: successContent },
    '400': ref('BadRequest'),
    '401': ref('Unauthorized'),
    '403': ref('Forbidden'),
    '404': ref('NotFound'),
    ...(mutating ? { '409': ref('Conflict'), '413': ref('PayloadTooLarge'), '422': ref('IdempotencyKeyReused') } : {}),
    ...(route.movesMoney ? { '428': ref('IdempotencyKeyRequired') } : {}),
    '500': ref('Internal'),
  };
  const roles = route.access.join(', ');
  return {
    operationId: operationId(route),
    summary: contract.summary,
    description: `Roles: ${roles}.${route.access.includes('storefront') ? ' A storefront reaches only its own customers and their orders and invoices (others answer 404).' : ''}${route.movesMoney ? ' Moves money: Idempotency-Key required.' : ''}`,
    tags: [route.path.split('/')[1] ?? 'api'],
    'x-roles': [...route.access],
    ...(route.movesMoney ? { 'x-moves-money': true } : {}),
    security: [{ apiKey: [] }],
    parameters: [...pathParameters, ...queryParameters, ...idempotencyKey],
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

/** The whole document, the same for every caller and every call (no clock, no environment). */
export function openApiDocument(version: string = API_VERSION): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const item = (paths[route.path] ??= {});
    item[route.method.toLowerCase()] = operation(route);
  }
  const tags = [...new Set(routes.map((r) => r.path.split('/')[1] ?? 'api'))].sort().map((name) => ({ name, description: TAG_DESCRIPTIONS[name] ?? name }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Order-to-cash API',
      version,
      summary: 'Orders, invoices, payments, dunning and cash application for storefronts and finance teams',
      description:
        'Every request carries an `x-api-key`; its client\'s role (storefront or finance) decides the routes (`x-roles` per operation). ' +
        'Amounts are decimal strings in the currency\'s minor digits, never floats. Errors are RFC 9457 problem documents (`application/problem+json`) that keep `error.code` and the field details. ' +
        'Lists answer a page at a time: `limit` and the signed `cursor` of the previous page. Routes that move money require an `Idempotency-Key`.',
      license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
    },
    servers: [{ url: 'http://127.0.0.1:3000', description: 'The local stack (npm start)' }, { url: 'https://{apiId}.execute-api.{region}.amazonaws.com/{stage}', description: 'A deployed stage', variables: { apiId: { default: 'abc123' }, region: { default: 'eu-west-1' }, stage: { default: 'dev' } } }],
    security: [{ apiKey: [] }],
    tags,
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'A storefront or finance credential (npm run api-keys)' } },
      schemas: { Problem: PROBLEM_SCHEMA },
      responses: RESPONSES,
    },
  };
}

/** The document as the committed file and `GET /openapi.json` hold it. */
export function openApiText(version: string = API_VERSION): string {
  return `${JSON.stringify(openApiDocument(version), null, 2)}\n`;
}
