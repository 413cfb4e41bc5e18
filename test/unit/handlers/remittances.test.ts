/**
 * The cash application handlers over the in-memory ports: the statement file as a raw body of any
 * content type or an uploaded file by its id, 202 with where to poll and the execution started
 * (400 with the place, nothing written), the steps of the execution (read, apply chunk by chunk,
 * stop in time and continue), idempotent replay, the statement view, the worklist and applying by hand.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiEvent, bodyOf, errorOf, lambdaContext, stubHandlerEnvironment } from '../../support/api-events';
import { InMemoryIdempotencyStore } from '../../support/in-memory';
import { cashWorld, type CashWorld } from '../../support/in-memory-cash';
import { aCustomer, anInvoice } from '../../support/builders';
import { InMemoryFiles, InMemoryStarter } from '../../support/in-memory-uploads';
import { applyStatementLines, readStatement, slicesOf, type StatementJob } from '../../../lambdas/core/cash-application/statement-processing';
import { statementIdFor } from '../../../lambdas/core/cash-application/application';

let upload: typeof import('../../../lambdas/handlers/api/upload-statement');
let applyStep: typeof import('../../../lambdas/handlers/steps/apply-statement-lines');
let getStatement: typeof import('../../../lambdas/handlers/api/get-statement');
let listUnapplied: typeof import('../../../lambdas/handlers/api/list-unapplied-payments');
let applyPayment: typeof import('../../../lambdas/handlers/api/apply-payment');

beforeAll(async () => {
  stubHandlerEnvironment();
  vi.stubEnv('STATEMENTS_TABLE', 'test-statements');
  vi.stubEnv('STATEMENT_LINES_TABLE', 'test-statement-lines');
  vi.stubEnv('PAYERS_TABLE', 'test-payers');
  vi.stubEnv('IMPORTS_TABLE', 'test-imports');
  vi.stubEnv('COUNTERS_TABLE', 'test-counters');
  vi.stubEnv('UPLOADS_BUCKET', 'test-uploads');
  vi.stubEnv('STATEMENT_PROCESSING_STATE_MACHINE_ARN', 'arn:aws:states:eu-west-1:000000000000:stateMachine:test-StatementProcessing');
  upload = await import('../../../lambdas/handlers/api/upload-statement');
  applyStep = await import('../../../lambdas/handlers/steps/apply-statement-lines');
  getStatement = await import('../../../lambdas/handlers/api/get-statement');
  listUnapplied = await import('../../../lambdas/handlers/api/list-unapplied-payments');
  applyPayment = await import('../../../lambdas/handlers/api/apply-payment');
});

afterAll(() => {
  vi.unstubAllEnvs();
});

let world: CashWorld;
let idempotency: InMemoryIdempotencyStore;
let files: InMemoryFiles;
let starter: InMemoryStarter;
const options = () => ({ idempotency: { store: idempotency.asIdempotencyStore(), clock: world.clock } });

beforeEach(() => {
  world = cashWorld({ start: '2026-03-10T09:00:00Z' });
  idempotency = new InMemoryIdempotencyStore();
  files = new InMemoryFiles();
  starter = new InMemoryStarter();
  world.customers.seed(aCustomer());
  world.invoices.seed(anInvoice({ invoiceId: 'I-1', totalMinor: 10_000 }));
});

const statement = (reference = 'INV-2026-000001') => `date,amount,currency,reference,payer_name,payer_account\n2026-03-09,100.00,EUR,${reference},Acme,\n2026-03-09,5.00,EUR,,Nobody,\n`;

function post(body: string, headers: Record<string, string> = {}) {
  return upload.makeHandler({ statements: world.remittanceDeps.statements, files, processing: starter, clock: world.clock }, options())(
    apiEvent('POST', '/remittances', { body, role: 'finance', headers: { 'Content-Type': 'text/csv', ...headers } }),
    lambdaContext,
  );
}

/**
 * What the StatementProcessing execution started for the n-th upload does: ReadStatement, then the
 * ApplyLines Map: every slice at the same time, each step called again until its slice is done.
 */
async function runExecution(n = starter.started.length - 1, context = lambdaContext) {
  const job = starter.started[n]!.input as unknown as StatementJob;
  const deps = { ...world.remittanceDeps, files };
  const read = await readStatement({ ...deps, clock: world.clock }, job);
  if (!read.readable) return read;
  const branches = await Promise.all(
    read.slices.map(async (slice) => {
      for (let calls = 1; ; calls++) {
        const progress = await applyStep.makeHandler(deps)({ ...job, ...slice }, context);
        if (progress.done || calls > 20) return { ...progress, calls };
      }
    }),
  );
  const statement = await world.remittanceDeps.statements.get(job.statementId);
  return { done: branches.every((b) => b.done), processed: statement!.processed, total: read.total, calls: branches.reduce((n, b) => n + b.calls, 0) };
}

describe('POST /remittances', () => {
  it('takes the raw body whatever its content type, answers 202 with where to poll, and starts the processing; the same file again applies nothing twice', async () => {
    // Act
    const first = await post(statement());
    const body = bodyOf<{ statementId: string; status: string; total: number; processed: number; poll: string }>(first);
    const executed = await runExecution();
    const again = await post(statement(), { 'Content-Type': 'application/octet-stream' });
    await runExecution();

    // Assess
    expect(first.statusCode).toBe(202);
    expect(first.headers?.location).toBe(`/remittances/${body.statementId}`);
    expect(body).toMatchObject({ status: 'processing', total: 2, processed: 0, poll: `GET /remittances/${body.statementId}` });
    expect(starter.started.map((s) => s.name)).toEqual([`${body.statementId}-1`, `${body.statementId}-2`]);
    expect(starter.started[0]!.input).toEqual({ statementId: body.statementId, objectKey: `statements/received/${statementIdFor(statement())}`, run: 1 });
    expect(files.objects.get(`statements/received/${statementIdFor(statement())}`)).toBe(statement());
    expect(executed).toMatchObject({ done: true, processed: 2, total: 2 });
    expect(again.statusCode).toBe(202);
    const shown = await getStatement.makeHandler(world.remittanceDeps)(apiEvent('GET', `/remittances/${body.statementId}`, { role: 'finance', pathParameters: { statementId: body.statementId } }), lambdaContext);
    expect(bodyOf(shown)).toMatchObject({ status: 'completed', uploads: 2, lastUpload: { newlyRecorded: 0, alreadyRecorded: 2 } });
    expect(world.tables.invoices.get('I-1')!.balanceMinor).toBe(0);
    expect(world.tables.payments.size).toBe(2);
  });

  it('reads a Windows-1252 file sent as bytes with its umlauts, and shows its warnings on the statement', async () => {
    // Prepare: a German MT940 export in Windows-1252 without :28C:, sent as binary (base64) as API Gateway passes it
    const text = [':20:STARTUMS', ':25:DE89370400440532013000', ':60F:C260308EUR0,', ':61:2603090309C100,00NTRFNONREF', ':86:166?00GUTSCHRIFT?20SVWZ+INV-2026-000001 Müller?32Jürgen Bäcker', ':62F:C260309EUR100,', '-'].join('\r\n');
    const event = apiEvent('POST', '/remittances', { body: Buffer.from(text, 'latin1').toString('base64'), role: 'finance', headers: { 'Content-Type': 'application/octet-stream' } });

    // Act
    const response = await upload.makeHandler({ statements: world.remittanceDeps.statements, files, processing: starter, clock: world.clock }, options())({ ...event, isBase64Encoded: true }, lambdaContext);
    await runExecution();

    // Assess: the stored file is the decoded text, umlauts intact; GET lists the missing :28C:
    expect(response.statusCode).toBe(202);
    const { statementId } = bodyOf<{ statementId: string }>(response);
    expect([...files.objects.values()]).toContain(text);
    const shown = bodyOf<{ status: string; warnings: { code: string; message: string }[] }>(
      await getStatement.makeHandler(world.remittanceDeps)(apiEvent('GET', `/remittances/${statementId}`, { role: 'finance', pathParameters: { statementId } }), lambdaContext),
    );
    expect(shown.status).toBe('completed');
    expect(shown.warnings).toEqual([{ code: 'missing-statement-number', message: 'line 1 (record :20:): statement STARTUMS has no :28C: statement number' }]);
    expect(world.tables.invoices.get('I-1')!.balanceMinor).toBe(0);
  });

  it('points a second upload at the run under way instead of starting another', async () => {
    const first = await post(statement());
    const second = await post(statement());

    expect(second.statusCode).toBe(202);
    expect(bodyOf(second)).toMatchObject({ statementId: bodyOf<{ statementId: string }>(first).statementId, status: 'processing', note: expect.stringContaining('being processed') });
    expect(starter.started).toHaveLength(1);
  });

  it('starts a new run when the statement says processing but its execution ended without finishing', async () => {
    const first = bodyOf<{ statementId: string }>(await post(statement()));
    starter.ended.add(`${first.statementId}-1`);

    const again = await post(statement());

    expect(again.statusCode).toBe(202);
    expect(starter.started.map((s) => s.name)).toEqual([`${first.statementId}-1`, `${first.statementId}-2`]);
    expect(await runExecution()).toMatchObject({ done: true, processed: 2 });
  });

  it('takes a re-export of a statement with other bytes as the same statement (seenBefore, the same location), applying nothing twice', async () => {
    // Prepare: an MT940 statement, and the bank's re-export of it with CRLF line endings and a header line
    const mt940 = [':20:STARTUMS', ':25:DE89370400440532013000', ':28C:7', ':60F:C260308EUR0,', ':61:2603090309C100,00NTRFNONREF', ':86:INV-2026-000001', ':62F:C260309EUR100,', '-'].join('\n');
    const reexport = `ABNANL2A\r\n940\r\n${mt940.replace(/\n/g, '\r\n')}`;

    // Act
    const first = await post(mt940, { 'Content-Type': 'text/plain' });
    await runExecution();
    const again = await post(reexport, { 'Content-Type': 'text/plain' });
    await runExecution();

    // Assess
    expect(first.statusCode).toBe(202);
    expect(bodyOf<{ seenBefore: boolean }>(first).seenBefore).toBe(false);
    expect(again.statusCode).toBe(202);
    expect(again.headers?.location).toBe(first.headers?.location);
    expect(bodyOf<{ seenBefore: boolean }>(again).seenBefore).toBe(true);
    const { statementId } = bodyOf<{ statementId: string }>(again);
    expect(await world.remittanceDeps.statements.get(statementId)).toMatchObject({ status: 'completed', uploads: 2, lastUpload: { newlyRecorded: 0, alreadyRecorded: 1 } });
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
    expect(files.objects.size).toBe(0);
    expect(starter.started).toHaveLength(0);
  });

  it('starts a file uploaded to S3 by its uploadId; 400 naming uploadId when it is malformed or nothing was uploaded', async () => {
    const uploadId = 'up-0b6f3a52-7c1e-4d59-9a43-2f0f0c1d2e3f';
    const json = (body: unknown) => post(JSON.stringify(body), { 'Content-Type': 'application/json' });
    const missing = await json({ uploadId });
    const malformed = await json({ uploadId: '../../etc/passwd' });
    const absent = await json({});
    files.objects.set(`statements/uploads/${uploadId}`, statement());

    const started = await json({ uploadId });

    for (const [response, problem] of [[missing, 'has no file'], [malformed, 'is not an upload id'], [absent, 'is required']] as const) {
      expect(response.statusCode).toBe(400);
      expect(errorOf(response).details[0]).toMatchObject({ field: 'uploadId', problem: expect.stringContaining(problem) });
    }
    expect(started.statusCode).toBe(202);
    const body = bodyOf<{ statementId: string; format: string | null; total: number }>(started);
    expect(body).toMatchObject({ format: 'csv', total: 2 });
    expect(starter.started[0]!.input).toEqual({ statementId: body.statementId, objectKey: `statements/received/${statementIdFor(statement())}`, run: 1 });
    expect(files.objects.get(`statements/received/${statementIdFor(statement())}`)).toBe(statement());
    expect(await runExecution()).toMatchObject({ done: true, processed: 2, total: 2 });
    expect(await world.remittanceDeps.statements.get(body.statementId)).toMatchObject({ format: 'csv', total: 2, status: 'completed' });
  });

  it('refuses an uploaded file that is not a bank statement: 400 naming uploadId and the place, nothing started', async () => {
    const uploadId = 'up-1b6f3a52-7c1e-4d59-9a43-2f0f0c1d2e3f';
    files.objects.set(`statements/uploads/${uploadId}`, 'date,amount,currency,reference,payer_name,payer_account\n2026-13-09,100.00,EUR,x,Acme,\n');

    const response = await post(JSON.stringify({ uploadId }), { 'Content-Type': 'application/json' });

    expect(response.statusCode).toBe(400);
    expect(errorOf(response).details[0]).toMatchObject({ field: 'uploadId', problem: expect.stringMatching(/not a bank statement.*2026-13-09/), location: { line: 2 } });
    expect(starter.started).toHaveLength(0);
    expect(world.cash.statements.size).toBe(0);
  });

  it('ReadStatement rejects a stored file it cannot read: the statement failed with the place, nothing applied', async () => {
    const { statementId } = bodyOf<{ statementId: string }>(await post(statement()));
    const job = starter.started[0]!.input as unknown as StatementJob;
    files.objects.set(job.objectKey, 'date,amount,currency,reference,payer_name,payer_account\n2026-13-09,100.00,EUR,x,Acme,\n');

    const read = await runExecution();

    expect(read).toEqual({ readable: false, total: 0, slices: [] });
    expect(await world.remittanceDeps.statements.get(statementId)).toMatchObject({ status: 'failed', error: expect.stringMatching(/cannot be read as a bank statement: .*2026-13-09.*\(at line 2/) });
    expect(world.tables.payments.size).toBe(0);
  });

  it('gives the first answer again for the same Idempotency-Key, and 422 for the key with another file', async () => {
    // Act
    const first = await post(statement(), { 'Idempotency-Key': 'upload-1' });
    const replay = await post(statement(), { 'Idempotency-Key': 'upload-1' });
    const other = await post(statement('INV-2026-000002'), { 'Idempotency-Key': 'upload-1' });

    // Assess
    expect(replay.statusCode).toBe(202);
    expect(replay.headers?.['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(first.body);
    expect(other.statusCode).toBe(422);
    expect(starter.started).toHaveLength(1);
  });
});

describe('ApplyLines (StatementProcessing)', () => {
  it('stops before the function\'s time runs out with the progress saved, and the next call continues from it', async () => {
    // Prepare: 5 lines; 1 s left of the function's time, 2 s kept in reserve: one chunk (each call makes progress), then it stops
    const rows = Array.from({ length: 5 }, (_, i) => `2026-03-09,${i + 1}.00,EUR,,Nobody ${i},`).join('\n');
    const file = `date,amount,currency,reference,payer_name,payer_account\n${rows}\n`;
    const { statementId } = bodyOf<{ statementId: string }>(await post(file));
    const job = starter.started[0]!.input as unknown as StatementJob;
    await readStatement({ ...world.remittanceDeps, files, clock: world.clock }, job);

    // Act
    const first = await applyStatementLines({ ...world.remittanceDeps, files }, job, { chunkSize: 2, timeLeftMs: () => 1_000, reserveMs: 2_000 });
    const saved = await world.remittanceDeps.statements.get(statementId);
    const second = await applyStatementLines({ ...world.remittanceDeps, files }, job, { chunkSize: 2 });

    // Assess
    expect(first).toMatchObject({ done: false, processed: 2, total: 5 });
    expect(saved).toMatchObject({ status: 'processing', processed: 2, counts: { unapplied: 2 } });
    expect(second).toMatchObject({ done: true, processed: 5, total: 5 });
    expect(await world.remittanceDeps.statements.get(statementId)).toMatchObject({ status: 'completed', processed: 5, counts: { unapplied: 5 }, lastUpload: { newlyRecorded: 5, alreadyRecorded: 0 } });
    expect(world.tables.payments.size).toBe(5);
  });
});

describe('ApplyLines in slices (the Map of StatementProcessing)', () => {
  // Four lines: I-1 (100.00) paid 40.00 by a line of each slice, and two payments from nobody known.
  const file = `date,amount,currency,reference,payer_name,payer_account\n2026-03-09,40.00,EUR,INV-2026-000001,Acme,\n2026-03-09,1.00,EUR,,Nobody,\n2026-03-09,40.00,EUR,INV-2026-000001,Acme,\n2026-03-09,2.00,EUR,,Nobody,\n`;
  const slices = [
    { from: 0, to: 2 },
    { from: 2, to: 4 },
  ];

  it('applies slices at the same time: an invoice paid by lines in both sees both, the progress adds up, and the statement completes once', async () => {
    // Prepare
    const { statementId } = bodyOf<{ statementId: string }>(await post(file));
    const job = starter.started[0]!.input as unknown as StatementJob;
    await readStatement({ ...world.remittanceDeps, files, clock: world.clock }, job);

    // Act
    const results = await Promise.all(slices.map((slice) => applyStatementLines({ ...world.remittanceDeps, files }, { ...job, ...slice }, { chunkSize: 2 })));

    // Assess
    expect(results.every((r) => r.done)).toBe(true);
    expect(world.tables.invoices.get('I-1')).toMatchObject({ balanceMinor: 2_000, paidMinor: 8_000 });
    expect(world.tables.payments.size).toBe(4);
    expect(await world.remittanceDeps.statements.get(statementId)).toMatchObject({ status: 'completed', processed: 4, counts: { applied: 2, unapplied: 2 }, lastUpload: { newlyRecorded: 4, alreadyRecorded: 0 } });
    expect(world.cash.progressLog.filter((p) => p.progress.status === 'completed')).toHaveLength(1);
  });

  it('applies the chunks of one step at the same time: an invoice paid by lines of two chunks sees both, and the statement completes once', async () => {
    // Prepare
    const { statementId } = bodyOf<{ statementId: string }>(await post(file));
    const job = starter.started[0]!.input as unknown as StatementJob;
    await readStatement({ ...world.remittanceDeps, files, clock: world.clock }, job);

    // Act: one step, two chunks of two lines at once
    const result = await applyStatementLines({ ...world.remittanceDeps, files }, { ...job, from: 0, to: 4 }, { chunkSize: 2, chunksAtOnce: 2 });

    // Assess: both 40.00 applied to I-1 (one of the two chunks' writes was refused and read I-1 again)
    expect(result).toMatchObject({ done: true, processed: 4, total: 4 });
    expect(world.tables.invoices.get('I-1')).toMatchObject({ balanceMinor: 2_000, paidMinor: 8_000 });
    expect(world.postings.packs.refused).toBeGreaterThan(0);
    expect(world.tables.payments.size).toBe(4);
    expect(await world.remittanceDeps.statements.get(statementId)).toMatchObject({ status: 'completed', processed: 4, counts: { applied: 2, unapplied: 2 }, lastUpload: { newlyRecorded: 4, alreadyRecorded: 0 } });
    expect(world.cash.progressLog.filter((p) => p.progress.status === 'completed')).toHaveLength(1);
  });

  it('a slice retried after its chunk was written but not counted applies nothing twice and counts each line once', async () => {
    // Prepare: the first attempt of the second slice writes its lines, then dies before counting them
    await post(file);
    const job = starter.started[0]!.input as unknown as StatementJob;
    await readStatement({ ...world.remittanceDeps, files, clock: world.clock }, job);
    world.clock.advanceMs(1_000);
    await applyStatementLines({ ...world.remittanceDeps, files }, { ...job, ...slices[0]! }, { chunkSize: 2 });
    const statements = world.remittanceDeps.statements;
    const realCount = statements.chunkApplied.bind(statements);
    statements.chunkApplied = async () => {
      throw new Error('the function crashed');
    };
    await expect(applyStatementLines({ ...world.remittanceDeps, files }, { ...job, ...slices[1]! }, { chunkSize: 2 })).rejects.toThrow('the function crashed');
    statements.chunkApplied = realCount;

    // Act: the state machine's retry of the slice, then a duplicate delivery of the first slice's step
    const retried = await applyStatementLines({ ...world.remittanceDeps, files }, { ...job, ...slices[1]! }, { chunkSize: 2 });
    const again = await applyStatementLines({ ...world.remittanceDeps, files }, { ...job, ...slices[0]! }, { chunkSize: 2 });

    // Assess
    expect(retried).toMatchObject({ done: true, processed: 4, total: 4 });
    expect(again).toMatchObject({ done: true, processed: 4 });
    expect(world.tables.payments.size).toBe(4);
    expect(world.tables.invoices.get('I-1')).toMatchObject({ balanceMinor: 2_000 });
    expect(await statements.get(job.statementId)).toMatchObject({ status: 'completed', processed: 4, counts: { applied: 2, unapplied: 2 }, lastUpload: { newlyRecorded: 4, alreadyRecorded: 0 } });
  });

  it('writes the lines of a chunk in one transaction, and line by line when that one is refused', async () => {
    // Prepare: another writer pays 10.00 of I-1 between the read and the first write, so the pack is refused
    await post(file);
    const job = starter.started[0]!.input as unknown as StatementJob;
    await readStatement({ ...world.remittanceDeps, files, clock: world.clock }, job);
    world.postings.beforeNextPost(() => {
      const invoice = world.tables.invoices.get('I-1')!;
      world.tables.invoices.set('I-1', { ...invoice, balanceMinor: invoice.balanceMinor - 1_000, paidMinor: invoice.paidMinor + 1_000, status: 'PARTIALLY_PAID' });
    });

    // Act
    await applyStatementLines({ ...world.remittanceDeps, files }, { ...job, from: 0, to: 4 }, { chunkSize: 4 });

    // Assess: one pack refused, then every line written on its own against what was read again
    expect(world.postings.packs).toEqual({ written: 0, refused: 1 });
    expect(world.tables.payments.size).toBe(4);
    expect(world.tables.invoices.get('I-1')).toMatchObject({ balanceMinor: 1_000 });
  });

  it('cuts a statement into slices of whole chunks and at least 10,000 lines, at most four (a smaller statement is one slice)', () => {
    expect(slicesOf(0)).toEqual([{ from: 0, to: 0 }]);
    expect(slicesOf(1_000)).toEqual([{ from: 0, to: 1_000 }]);
    expect(slicesOf(19_999)).toEqual([{ from: 0, to: 19_999 }]);
    expect(slicesOf(20_000)).toEqual([
      { from: 0, to: 10_000 },
      { from: 10_000, to: 20_000 },
    ]);
    expect(slicesOf(40_050).map((s) => s.to - s.from)).toEqual([10_100, 10_100, 10_100, 9_750]);
    expect(slicesOf(100_000)).toHaveLength(4);
  });

  it('refuses a slice that names only one end (400 material for the state machine: a definition error)', async () => {
    await post(file);
    const job = starter.started[0]!.input as unknown as StatementJob;
    await expect(applyStep.makeHandler({ ...world.remittanceDeps, files })({ ...job, from: 2 }, lambdaContext)).rejects.toThrow(/from/);
  });
});

describe('GET /remittances/{statementId}', () => {
  it('gives the statement with its lines, or 404', async () => {
    // Prepare
    const { statementId } = bodyOf<{ statementId: string }>(await post(statement()));
    await runExecution();
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
    await runExecution();
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
