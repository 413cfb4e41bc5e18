/**
 * Does DynamoDB Local write more items a second in smaller transactions sent at the same time than
 * in one large transaction after another? (The statement processing writes its lines in packs of up
 * to 100 items, `PostingWriter.postTogether`.) Starts DynamoDB Local alone (a fresh data folder, a
 * free port), warms it up, then writes the same number of items (conditional puts of about 700
 * bytes, like a statement line's items) in transactions of 100, 50, 25 and 10 items, 1 to 10 at a
 * time, and a last round of 100 one after another again (the JIT warms up during the run: the first
 * and last rounds show by how much). Prints items a second per round, with the load average.
 * Usage: npx tsx test/benchmarks/dynamodb-local-packs.ts [--items 2000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../../local-aws/dynamodb';
import { freePort } from '../../local-aws/ports';

const { values } = parseArgs({ options: { items: { type: 'string', default: '2000' } } });
const ITEMS = Number(values.items);
if (!Number.isSafeInteger(ITEMS) || ITEMS < 100 || ITEMS % 100 !== 0) {
  process.stderr.write('--items takes a multiple of 100 from 100\n');
  process.exit(2);
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dataDir = mkdtempSync(join(tmpdir(), 'otc-packs-'));
  process.stderr.write('starting DynamoDB Local...\n');
  const db = await startDynamoDbLocal({ port: await freePort(), dataDir, allowOrigin: 'http://127.0.0.1', log: () => undefined });
  try {
    const doc = DynamoDBDocumentClient.from(db.client);
    const table = 'PackBenchmark';
    await db.client.send(new CreateTableCommand({ TableName: table, AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
    const payload = 'x'.repeat(600);
    let written = 0;
    const pack = (size: number) => Array.from({ length: size }, () => ({ Put: { TableName: table, Item: { pk: `item-${written++}`, payload }, ConditionExpression: 'attribute_not_exists(pk)' } }));
    process.stderr.write('warming up (10 transactions of 100 items)...\n');
    for (let i = 0; i < 10; i++) await doc.send(new TransactWriteCommand({ TransactItems: pack(100) }));
    process.stdout.write(`${ITEMS} items a round (load average ${loadavg().map((n) => n.toFixed(1)).join(' ')}, ${cpus().length} CPUs)\n`);
    for (const [size, atOnce] of [[100, 1], [100, 2], [50, 4], [25, 4], [25, 8], [10, 10], [100, 1]] as const) {
      const transactions = ITEMS / size;
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: atOnce }, async () => {
          while (next < transactions) {
            next += 1;
            await doc.send(new TransactWriteCommand({ TransactItems: pack(size) }));
          }
        }),
      );
      const ms = performance.now() - started;
      process.stdout.write(`transactions of ${String(size).padStart(3)} items, ${String(atOnce).padStart(2)} at a time: ${(ms / 1000).toFixed(2)} s, ${((ITEMS / ms) * 1000).toFixed(0)} items/s, ${(ms / transactions).toFixed(0)} ms a transaction\n`);
    }
    process.stdout.write(`load average after: ${loadavg().map((n) => n.toFixed(1)).join(' ')}\n`);
  } finally {
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
