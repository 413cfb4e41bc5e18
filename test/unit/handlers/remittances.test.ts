/**
 * The cash application handlers over the in-memory ports: the statement file as a raw body of any
 * content type, status codes (201 first upload, 200 again, 202 out of time, 400 with the place),
 * idempotent replay, the statement view, the worklist and applying by hand.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiEvent, bodyOf, errorOf, lambdaContext, stubHandlerEnvironment } from '../../support/api-events';
import { InMemoryIdempotencyStore } from '../../support/in-memory';
import { cashWorld, type CashWorld } from '../../support/in-memory-cash';
import { aCustomer, anInvoice } from '../../support/builders';

let upload: typeof import('../../../lambdas/handlers/api/upload-statement');
let getStatement: typeof import('../../../lambdas/handlers/api/get-statement');
let listUnapplied: typeof import('../../../lambdas/handlers/api/list-unapplied-payments');
let applyPayment: typeof import('../../../lambdas/handlers/api/apply-payment');

beforeAll(async () => {
  stubHandlerEnvironment();
  vi.stubEnv('STATEMENTS_TABLE', 'test-statements');
  vi.stubEnv('STATEMENT_LINES_TABLE', 'test-statement-lines');
  vi.stubEnv('PAYERS_TABLE', 'test-payers');
  upload = await import('../../../lambdas/handlers/api/upload-statement');
  getStatement = await import('../../../lambdas/handlers/api/get-statement');
  listUnapplied = await import('../../../lambdas/handlers/api/list-unapplied-payments');
  applyPayment = await import('../../../lambdas/handlers/api/apply-payment');
});

afterAll(() => {
  vi.unstubAllEnvs();
});

let world: CashWorld;
let idempotency: InMemoryIdempotencyStore;
const options = () => ({ idempotency: { store: idempotency.asIdempotencyStore(), clock: world.clock } });

beforeEach(() => {
  world = cashWorld({ start: '2026-03-10T09:00:00Z' });
  idempotency = new InMemoryIdempotencyStore();
  world.customers.seed(aCustomer());
  world.invoices.seed(anInvoice({ invoiceId: 'I-1', totalMinor: 10_000 }));
});

const statement = (reference = 'INV-2026-000001') => `date,amount,currency,reference,payer_name,payer_account\n2026-03-09,100.00,EUR,${reference},Acme,\n2026-03-09,5.00,EUR,,Nobody,\n`;

function post(body: string, headers: Record<string, string> = {}, context = lambdaContext) {
  return upload.makeHandler(world.remittanceDeps, options())(
    apiEvent('POST', '/remittances', { body, role: 'finance', headers: { 'Content-Type': 'text/csv', ...headers } }),
    context,
  );
}

describe('POST /remittances', () => {
  it('reads the raw body whatever its content type: 201 the first time, 200 when uploaded again, nothing applied twice', async () => {
    // Act
    const first = await post(statement());
    const again = await post(statement(), { 'Content-Type': 'application/octet-stream' });

    // Assess
    expect(first.statusCode).toBe(201);
    const body = bodyOf<{ statementId: string; lines: { status: string; alreadyRecorded: boolean }[] }>(first);
    expect(first.headers?.location).toBe(`/remittances/${body.statementId}`);
    expect(body.lines.map((l) => l.status)).toEqual(['applied', 'unapplied']);
    expect(again.statusCode).toBe(200);
    expect(bodyOf<{ lines: { alreadyRecorded: boolean }[] }>(again).lines.every((l) => l.alreadyRecorded)).toBe(true);
    expect(world.tables.invoices.get('I-1')!.balanceMinor).toBe(0);
    expect(world.tables.payments.size).toBe(2);
  });

  it('answers 200 with seenBefore for a re-export of a statement with other bytes, and the same location', async () => {
    // Prepare: an MT940 statement, and the bank's re-export of it with CRLF line endings and a header line
    const mt940 = [':20:STARTUMS', ':25:DE89370400440532013000', ':28C:7', ':60F:C260308EUR0,', ':61:2603090309C100,00NTRFNONREF', ':86:INV-2026-000001', ':62F:C260309EUR100,', '-'].join('\n');
    const reexport = `ABNANL2A\r\n940\r\n${mt940.replace(/\n/g, '\r\n')}`;

    // Act
    const first = await post(mt940, { 'Content-Type': 'text/plain' });
    const again = await post(reexport, { 'Content-Type': 'text/plain' });

    // Assess
    expect(first.statusCode).toBe(201);
    expect(bodyOf<{ seenBefore: boolean }>(first).seenBefore).toBe(false);
    expect(again.statusCode).toBe(200);
    expect(again.headers?.location).toBe(first.headers?.location);
    expect(bodyOf<{ seenBefore: boolean; lines: { alreadyRecorded: boolean }[] }>(again)).toMatchObject({ seenBefore: true, lines: [{ alreadyRecorded: true }] });
    expect(world.tables.payments.size).toBe(1);
  });

  it('answers 400 naming the place in the file, and writes nothing', async () => {
    // Act
    const response = await post('date,amount,currency,reference,payer_name,payer_account\n2026-13-09,100.00,EUR,x,Acme,\n');

    // Assess
    expect(response.statusCode).toBe(400);
    const error = errorOf(response);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details[0]).toMatchObject({ field: '(body)', location: { line: 2 } });
    expect(error.message).toMatch(/line 2: date "2026-13-09"/);
    expect(world.cash.statements.size).toBe(0);
  });

  it('gives the first answer again for the same Idempotency-Key, and 422 for the key with another file', async () => {
    // Act
    const first = await post(statement(), { 'Idempotency-Key': 'upload-1' });
    const replay = await post(statement(), { 'Idempotency-Key': 'upload-1' });
    const other = await post(statement('INV-2026-000002'), { 'Idempotency-Key': 'upload-1' });

    // Assess
    expect(replay.statusCode).toBe(201);
    expect(replay.headers?.['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(first.body);
    expect(other.statusCode).toBe(422);
  });

  it('answers 202 when the time of the call runs out before the last line', async () => {
    // Prepare: the function has 10 s when the call starts (asked by middy, the Idempotency-Key claim and for the reserve: 2 s) and 1 s left when it would start the lines
    let calls = 0;
    const context = { ...lambdaContext, getRemainingTimeInMillis: () => (calls++ < 3 ? 10_000 : 1_000) };

    // Act
    const response = await post(statement(), {}, context);

    // Assess
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toMatchObject({ status: 'incomplete', processed: 0, total: 2 });
  });
});

describe('GET /remittances/{statementId}', () => {
  it('gives the statement with its lines, or 404', async () => {
    // Prepare
    const { statementId } = bodyOf<{ statementId: string }>(await post(statement()));
    const handler = getStatement.makeHandler(world.remittanceDeps);

    // Act
    const found = await handler(apiEvent('GET', `/remittances/${statementId}`, { role: 'finance', pathParameters: { statementId } }), lambdaContext);
    const missing = await handler(apiEvent('GET', '/remittances/st-x', { role: 'finance', pathParameters: { statementId: 'st-x' } }), lambdaContext);

    // Assess
    expect(found.statusCode).toBe(200);
    expect(bodyOf(found)).toMatchObject({ statementId, status: 'completed', progress: '2/2', lines: [{ status: 'applied', allocations: [{ invoiceId: 'I-1', amount: '100.00' }] }, { status: 'unapplied' }] });
    expect(missing.statusCode).toBe(404);
  });
});

describe('GET /payments/unapplied and POST /payments/{paymentId}/apply', () => {
  it('lists the unapplied payment and applies it by hand; a second application is 409', async () => {
    // Prepare
    world.invoices.seed(anInvoice({ invoiceId: 'I-2', sequence: 2, totalMinor: 500 }));
    await post(statement());
    const list = listUnapplied.makeHandler(world.unappliedDeps);
    const apply = applyPayment.makeHandler(world.unappliedDeps, options());

    // Act
    const worklist = await list(apiEvent('GET', '/payments/unapplied', { role: 'finance', query: { limit: '10' } }), lambdaContext);
    const [item] = bodyOf<{ items: { paymentId: string; unappliedAmount: string }[] }>(worklist).items;
    const event = (body: unknown) => apiEvent('POST', `/payments/${item!.paymentId}/apply`, { role: 'finance', pathParameters: { paymentId: item!.paymentId }, body });
    const applied = await apply(event({ allocations: [{ invoiceId: 'I-2', amount: '5.00' }] }), lambdaContext);
    const again = await apply(event({ allocations: [{ invoiceId: 'I-2', amount: '5.00' }] }), lambdaContext);
    const bad = await apply(event({ allocations: [{ invoiceId: 'I-2', amount: 'five' }] }), lambdaContext);

    // Assess
    expect(worklist.statusCode).toBe(200);
    expect(item).toMatchObject({ unappliedAmount: '5.00' });
    expect(applied.statusCode).toBe(200);
    expect(bodyOf(applied)).toMatchObject({ status: 'applied', unappliedAmount: '0.00', allocations: [{ invoiceId: 'I-2', amount: '5.00' }] });
    expect(again.statusCode).toBe(409);
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad).details[0]).toMatchObject({ field: 'allocations[0].amount' });
  });
});
