/**
 * Benchmark of the dunning run against DynamoDB Local: seeds N invoices (BatchWrite, directly),
 * of which D are due for action on the run day, spread over customers, then runs the real
 * dunning code (`runDunning` with the DynamoDB dunning store; letters and escalations go to
 * in-memory fakes, so only the store's work is measured) and prints the duration and the
 * capacity units DynamoDB reported (ReturnConsumedCapacity) for the run, next to what one scan
 * of the invoice table would read.
 *
 * Usage: npm run bench:dunning -- [--invoices 100000] [--due 1000] [--scan true]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { spawn } from 'node:child_process';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DYNAMODB_LOCAL_JIT_OPTIONS, dynamoDbLocalDir, ensureTables, localClient, localTableName } from '../../local-aws/dynamodb';
import { freePort } from '../../local-aws/ports';
import { tableById } from '../../lib/definitions/tables';
import { DynamoDunningStore } from '../../lambdas/adapters/dynamodb/dunning-store';
import { DynamoPostingWriter } from '../../lambdas/adapters/dynamodb/posting-writer';
import { runDunning } from '../../lambdas/core/dunning/run-dunning';
import { addCalendarDays } from '../../lambdas/core/time/clock';
import type { Invoice } from '../../lambdas/core/invoices/invoice';
import type { Customer } from '../../lambdas/core/customers/customer';
import { invoiceNumber, rfReferenceFor } from '../../lambdas/core/invoices/invoice';
import { InMemoryEscalations, RecordingMailer } from '../support/in-memory-dunning';

const { values } = parseArgs({ options: { invoices: { type: 'string', default: '100000' }, due: { type: 'string', default: '1000' }, 'full-items': { type: 'string' } } });
const INVOICES = Number(values.invoices);
const DUE = Number(values.due);
/** Every invoice as a whole item (realistic size, so the scan comparison is fair); above 200,000 only the due ones, to fit DynamoDB Local's memory. */
const FULL_ITEMS = values['full-items'] === undefined ? INVOICES <= 200_000 : values['full-items'] === 'true';
const ITEMS_PER_DUE_CUSTOMER = 5;
const AS_OF = '2027-03-18';
const STAGE = 'bench';

function invoiceItem(n: number, customerId: string, dueDate: string, nextActionDate: string | undefined, paid: boolean): Invoice {
  const number = invoiceNumber('INV-2027', n);
  const totalMinor = 10_000 + (n % 50_000);
  return {
    invoiceId: `I-${n}`,
    number,
    series: 'INV-2027',
    sequence: n,
    rfReference: rfReferenceFor(number),
    orderId: `O-${n}`,
    customerId,
    customerName: `Customer ${customerId}`,
    currency: 'EUR',
    shipmentId: `S-${n}`,
    lines: [{ lineNo: 1, sku: 'DESK-1', quantity: 1, unitPriceMinor: totalMinor, amountMinor: totalMinor, taxRatePercent: null, taxMinor: 0, grossMinor: totalMinor } as Invoice['lines'][number]],
    netTotalMinor: totalMinor,
    taxTotalMinor: 0,
    taxes: [],
    totalMinor,
    paidMinor: paid ? totalMinor : 0,
    balanceMinor: paid ? 0 : totalMinor,
    status: paid ? 'PAID' : dueDate < AS_OF ? 'OVERDUE' : 'OPEN',
    issueDate: addCalendarDays(dueDate, -14),
    dueDate,
    overdueAt: `${addCalendarDays(dueDate, 1)}T00:00:00.000Z`,
    overdueSince: dueDate < AS_OF && !paid ? `${addCalendarDays(dueDate, 1)}T00:00:00.000Z` : null,
    issuedAt: `${addCalendarDays(dueDate, -14)}T09:00:00.000Z`,
    sentAt: `${addCalendarDays(dueDate, -14)}T09:00:05.000Z`,
    emailMessageId: `m-${n}`,
    allocations: paid ? [{ paymentId: `P-${n}`, amountMinor: totalMinor, at: `${addCalendarDays(dueDate, -2)}T10:00:00.000Z` }] : [],
    history: [{ status: 'OPEN', at: `${addCalendarDays(dueDate, -14)}T09:00:00.000Z`, note: `issued as ${number}` }],
    dunning: { level: 0, blockedUntil: null, history: [] },
    ...(nextActionDate ? { nextActionDate } : {}),
  };
}

function customerItem(customerId: string): Customer {
  return {
    customerId,
    name: `Customer ${customerId}`,
    email: `${customerId}@example.com`,
    currency: 'EUR',
    creditLimitMinor: 10_000_000,
    paymentTermsDays: 14,
    dunningPolicyId: 'default',
    locale: 'en',
    timeZone: null,
    isConsumer: false,
    blocked: false,
    onAccountCreditMinor: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

async function writeAll(db: DynamoDBDocumentClient, table: string, items: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>, label: string): Promise<number> {
  const t = performance.now();
  let batch: Record<string, unknown>[] = [];
  let written = 0;
  const inFlight = new Set<Promise<void>>();
  const flush = async (chunk: Record<string, unknown>[]) => {
    let pending = chunk.map((Item) => ({ PutRequest: { Item } }));
    while (pending.length) {
      const result = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (result.UnprocessedItems?.[table] ?? []) as typeof pending;
    }
    written += chunk.length;
    if (written % 50_000 < 25) process.stderr.write(`  ${label}: ${written} written (${((performance.now() - t) / 1000).toFixed(0)} s)\n`);
  };
  for await (const item of items) {
    batch.push(item);
    if (batch.length === 25) {
      const p = flush(batch).finally(() => inFlight.delete(p));
      inFlight.add(p);
      batch = [];
      if (inFlight.size >= 24) await Promise.race(inFlight);
    }
  }
  if (batch.length) await flush(batch);
  await Promise.all(inFlight);
  return performance.now() - t;
}

/**
 * An invoice the run never reads (paid, or due for action on a later day): only the attributes
 * the table and its indexes are keyed on. Their size does not change what the run reads: the
 * index query returns only the items due on the run day.
 */
function keysOnly(n: number, customerId: string, dueDate: string, nextActionDate: string | undefined, paid: boolean): Record<string, unknown> {
  const number = invoiceNumber('INV-2027', n);
  return {
    invoiceId: `I-${n}`,
    number,
    rfReference: rfReferenceFor(number),
    customerId,
    currency: 'EUR',
    status: paid ? 'PAID' : 'OPEN',
    dueDate,
    balanceMinor: paid ? 0 : 10_000,
    ...(nextActionDate ? { nextActionDate } : {}),
  };
}

function* invoices(): Generator<Record<string, unknown>> {
  const dueCustomers = Math.ceil(DUE / ITEMS_PER_DUE_CUSTOMER);
  const otherCustomers = Math.max(1, Math.floor(INVOICES / 10));
  for (let n = 1; n <= INVOICES; n++) {
    if (n <= DUE) {
      // Due today: 3 days past due, never reminded.
      yield invoiceItem(n, `due-${(n - 1) % dueCustomers}`, addCalendarDays(AS_OF, -3), AS_OF, false) as unknown as Record<string, unknown>;
    } else {
      const kind = n % 10;
      const customerId = `c-${n % otherCustomers}`;
      if (kind < 7) {
        // Paid before their due date (long ago): no action planned, not in the index.
        const dueDate = addCalendarDays(AS_OF, -10 - (n % 300));
        yield FULL_ITEMS ? (invoiceItem(n, customerId, dueDate, undefined, true) as unknown as Record<string, unknown>) : keysOnly(n, customerId, dueDate, undefined, true);
      } else {
        // Open and not yet due, or due for action on a later day.
        const dueDate = addCalendarDays(AS_OF, 1 + (n % 60));
        yield FULL_ITEMS ? (invoiceItem(n, customerId, dueDate, addCalendarDays(dueDate, 1), false) as unknown as Record<string, unknown>) : keysOnly(n, customerId, dueDate, addCalendarDays(dueDate, 1), false);
      }
    }
  }
}

/** DynamoDB Local in memory (the data folder of the product's runtime would make seeding a million items take hours), with room for them. */
async function startInMemoryDynamoDb() {
  const libDir = dynamoDbLocalDir();
  const port = await freePort('127.0.0.1');
  const child = spawn('java', ['-Xmx8g', ...DYNAMODB_LOCAL_JIT_OPTIONS, `-Djava.library.path=${join(libDir, 'DynamoDBLocal_lib')}`, '-jar', join(libDir, 'DynamoDBLocal.jar'), '-inMemory', '-sharedDb', '-port', String(port)], { stdio: 'ignore' });
  const client = localClient(`http://127.0.0.1:${port}`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { client, stop: () => child.kill('SIGTERM') };
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dynamodb = await startInMemoryDynamoDb();
  try {
    await ensureTables(dynamodb.client, STAGE);
    const db = DynamoDBDocumentClient.from(dynamodb.client, { marshallOptions: { removeUndefinedValues: true } });
    const name = (id: Parameters<typeof tableById>[0]) => localTableName(tableById(id), STAGE);
    process.stderr.write(`seeding ${INVOICES} invoices (${DUE} due on ${AS_OF}) into DynamoDB Local...\n`);
    const seedMs = await writeAll(db, name('Invoices'), invoices(), 'invoices');
    const customerIds = [...new Set([...Array.from({ length: Math.ceil(DUE / ITEMS_PER_DUE_CUSTOMER) }, (_, i) => `due-${i}`)])];
    await writeAll(db, name('Customers'), customerIds.map((id) => customerItem(id) as unknown as Record<string, unknown>), 'customers');
    process.stderr.write(`seeded in ${(seedMs / 1000).toFixed(1)} s\n`);

    const store = new DynamoDunningStore(db, { invoices: name('Invoices'), customers: name('Customers'), ledger: name('Ledger'), policies: name('DunningPolicies'), runs: name('DunningRuns') });
    const postings = new DynamoPostingWriter(db, { invoices: name('Invoices'), ledger: name('Ledger'), runs: name('DunningRuns'), outbox: name('Outbox') });
    const mailer = new RecordingMailer();
    const workflow = new InMemoryEscalations();
    let ids = 0;
    const deps = {
      store,
      postings,
      workflow,
      mailer,
      clock: { now: () => new Date(`${AS_OF}T05:00:00.000Z`) },
      newId: () => `bench-${++ids}`,
      settings: { businessTimeZone: 'Europe/Berlin', seller: { name: 'Example Trading GmbH', address: ['Musterstrasse 1'], iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', vatId: 'DE123456789' } },
    };
    // The run of the day after a completed run (the usual daily case: one day of the index to read).
    await store.finishRun({ runId: `run-${addCalendarDays(AS_OF, -1)}`, asOf: addCalendarDays(AS_OF, -1), dryRun: false, trigger: 'schedule', status: 'COMPLETED', startedAt: '', completedAt: '', fromDate: '', toDate: '', attempts: 1, counts: { itemsFound: 0, escalated: 0, skipped: 0, letters: 0, lettersFailed: 0 } });
    const before = { read: store.consumed.read, write: store.consumed.write + postings.consumed.write };
    const t = performance.now();
    const report = await runDunning(deps, { asOf: AS_OF, trigger: 'schedule' });
    const runMs = performance.now() - t;
    const read = store.consumed.read - before.read;
    const write = store.consumed.write + postings.consumed.write - before.write;

    let scanRead: number | null = null;
    if (FULL_ITEMS) {
      scanRead = 0;
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(new ScanCommand({ TableName: name('Invoices'), Select: 'COUNT', ReturnConsumedCapacity: 'TOTAL', ExclusiveStartKey }));
        scanRead += page.ConsumedCapacity?.CapacityUnits ?? 0;
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
    }

    const lines = [
      `dunning run over ${INVOICES.toLocaleString('en')} invoices, ${DUE.toLocaleString('en')} due for action (${customerIds.length} customers), DynamoDB Local`,
      `  run duration            ${(runMs / 1000).toFixed(2)} s`,
      `  items found / escalated ${report.counts.itemsFound} / ${report.counts.escalated}, letters ${report.counts.letters}`,
      `  read capacity units     ${read.toFixed(1)} (index query, consistent reads of the items due and of the customers' other items, run records)`,
      `  write capacity units    ${write.toFixed(1)}`,
      scanRead === null
        ? '  (the invoices not due were seeded with their key attributes only: no scan comparison)'
        : `  one scan of Invoices    ${scanRead.toFixed(1)} read units (eventually consistent), what a run that scans would read`,
      `  seeding                 ${(seedMs / 1000).toFixed(1)} s`,
    ].filter(Boolean);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    dynamodb.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
