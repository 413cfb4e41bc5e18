import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeCursor, encodeCursor, InvalidCursorError, withCursorScope } from '../../../lambdas/adapters/dynamodb/document-client';
import { apiEvent, bodyOf, errorOf, lambdaContext, stubHandlerEnvironment } from '../../support/api-events';
import { inMemoryWorld } from '../../support/in-memory';
import { anInvoice } from '../../support/builders';

const SECRET = 'a-test-secret-of-at-least-32-characters';
const key = { customerId: 'C-1', dueDate: '2026-04-01', invoiceId: 'I-1' };

afterEach(() => {
  vi.unstubAllEnvs();
});

function flip(text: string, at: number): string {
  const c = text[at]!;
  return `${text.slice(0, at)}${c === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
}

describe('signed cursors', () => {
  it('gives back the key of a cursor it made, in the same scope', () => {
    vi.stubEnv('CURSOR_SECRET', SECRET);
    const cursor = withCursorScope('GET /invoices', () => encodeCursor(key))!;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(withCursorScope('GET /invoices', () => decodeCursor(cursor))).toEqual(key);
    expect(encodeCursor(undefined)).toBeUndefined();
    expect(decodeCursor(undefined)).toBeUndefined();
  });

  it('refuses a cursor whose key was altered, re-encoded without the secret', () => {
    vi.stubEnv('CURSOR_SECRET', SECRET);
    const cursor = encodeCursor(key)!;
    const [, mac] = cursor.split('.');
    const forged = `${Buffer.from(JSON.stringify({ ...key, customerId: 'C-2' })).toString('base64url')}.${mac}`;
    expect(() => decodeCursor(forged)).toThrow(InvalidCursorError);
  });

  it('refuses a cursor with one character changed anywhere, cut short, or lengthened', () => {
    vi.stubEnv('CURSOR_SECRET', SECRET);
    const cursor = encodeCursor(key)!;
    for (const at of [0, 5, cursor.indexOf('.') - 1, cursor.indexOf('.') + 1, cursor.length - 1]) {
      expect(() => decodeCursor(flip(cursor, at))).toThrow(InvalidCursorError);
    }
    expect(() => decodeCursor(cursor.slice(0, -1))).toThrow(InvalidCursorError);
    expect(() => decodeCursor(`${cursor}A`)).toThrow(InvalidCursorError);
    expect(() => decodeCursor(`A${cursor}`)).toThrow(InvalidCursorError);
  });

  it('refuses the unsigned cursors of before (base64url JSON alone) and anything of another form', () => {
    vi.stubEnv('CURSOR_SECRET', SECRET);
    for (const bad of [Buffer.from(JSON.stringify(key)).toString('base64url'), 'made-up', '..', 'a.b', `${'A'.repeat(3000)}.${'A'.repeat(43)}`, 'e30.%%%']) {
      expect(() => decodeCursor(bad)).toThrow(InvalidCursorError);
    }
  });

  it('refuses a cursor of another list (another scope) and one signed with another secret', () => {
    vi.stubEnv('CURSOR_SECRET', SECRET);
    const cursor = withCursorScope('GET /invoices {"status":"OPEN"}', () => encodeCursor(key))!;
    expect(() => withCursorScope('GET /invoices {"status":"PAID"}', () => decodeCursor(cursor))).toThrow(InvalidCursorError);
    expect(() => decodeCursor(cursor)).toThrow(InvalidCursorError);
    vi.stubEnv('CURSOR_SECRET', `${SECRET}-rotated`);
    expect(() => withCursorScope('GET /invoices {"status":"OPEN"}', () => decodeCursor(cursor))).toThrow(InvalidCursorError);
  });

  it('refuses to sign with a secret shorter than 32 characters', () => {
    vi.stubEnv('CURSOR_SECRET', 'short');
    expect(() => encodeCursor(key)).toThrow('CURSOR_SECRET must be at least 32 characters');
  });
});

describe('cursors through GET /invoices', () => {
  let listInvoices: typeof import('../../../lambdas/handlers/api/list-invoices');

  beforeAll(async () => {
    stubHandlerEnvironment();
    listInvoices = await import('../../../lambdas/handlers/api/list-invoices');
  });

  function seeded() {
    const world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    for (let i = 1; i <= 3; i++) world.invoices.seed(anInvoice({ invoiceId: `I-${i}`, sequence: i, dueDate: `2026-04-0${i}` }));
    return listInvoices.makeHandler(world.deps);
  }

  it('answers 400 naming cursor for a forged or altered cursor, and follows a genuine one even with another limit', async () => {
    vi.stubEnv('CURSOR_SECRET', SECRET);
    const handler = seeded();
    const first = await handler(apiEvent('GET', '/invoices', { role: 'finance', query: { customerId: 'C-1', limit: '2' } }), lambdaContext);
    const cursor = bodyOf<{ cursor: string }>(first).cursor;
    const payload = cursor.split('.')[0]!;
    const forged = `${Buffer.from(JSON.stringify({ customerId: 'C-1', dueDate: '2026-01-01', invoiceId: 'I-0' })).toString('base64url')}.${cursor.split('.')[1]}`;

    for (const bad of [forged, flip(cursor, 3), payload]) {
      const response = await handler(apiEvent('GET', '/invoices', { role: 'finance', query: { customerId: 'C-1', limit: '2', cursor: bad } }), lambdaContext);
      expect(response.statusCode).toBe(400);
      expect(errorOf(response).details).toEqual([{ field: 'cursor', problem: 'is not one this API returned' }]);
    }
    const next = await handler(apiEvent('GET', '/invoices', { role: 'finance', query: { customerId: 'C-1', limit: '5', cursor } }), lambdaContext);
    expect(bodyOf(next)).toMatchObject({ items: [{ invoiceId: 'I-3' }], cursor: null });
  });

  it('refuses the cursor of one list on another (another filter)', async () => {
    vi.stubEnv('CURSOR_SECRET', SECRET);
    const handler = seeded();
    const cursor = bodyOf<{ cursor: string }>(await handler(apiEvent('GET', '/invoices', { role: 'finance', query: { customerId: 'C-1', limit: '2' } }), lambdaContext)).cursor;
    const response = await handler(apiEvent('GET', '/invoices', { role: 'finance', query: { customerId: 'C-1', status: 'OPEN', limit: '2', cursor } }), lambdaContext);
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).details).toEqual([{ field: 'cursor', problem: 'is not one this API returned' }]);
  });
});

describe('the signature is compared as text', () => {
  it('refuses a signature whose last character differs only in the bits base64 leaves unused', () => {
    vi.stubEnv('CURSOR_SECRET', SECRET);
    // Find a cursor whose signature ends in a character with unused low bits to flip.
    for (let i = 0; i < 64; i++) {
      const cursor = encodeCursor({ ...key, invoiceId: `I-${i}` })!;
      const last = cursor.at(-1)!;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const twin = alphabet[alphabet.indexOf(last) ^ 1]!;
      const other = `${cursor.slice(0, -1)}${twin}`;
      expect(Buffer.from(other.split('.')[1]!, 'base64url')).toEqual(Buffer.from(cursor.split('.')[1]!, 'base64url'));
      expect(() => decodeCursor(other)).toThrow(InvalidCursorError);
    }
  });
});
