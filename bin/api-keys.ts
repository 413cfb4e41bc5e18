/**
 * `npm run api-keys -- create --role storefront|finance [--name NAME] | list [--json] | revoke <clientId>`
 *
 * Manages the API clients (keys) directly in the ApiClients table:
 * - locally by default: DynamoDB Local of `npm start` (http://127.0.0.1:$DYNAMODB_PORT, 8000 by
 *   default), table `local-ApiClients`;
 * - a deployed stage with `--stage <name>`: the AWS SDK's credentials and region (`--region` or
 *   the environment), table `order-to-cash-<stage>-ApiClients` (the stack's `ApiClientsTableName`
 *   output); `--table` and `--endpoint` override either.
 *
 * `create` prints the new key once (only its SHA-256 is stored) and the client id; `list` shows id,
 * name, role, created and revoked, never a key or a hash; `revoke` stops the key: API Gateway may
 * answer from its authorizer cache for up to 60 s more. Exit codes: 0 done, 1 refused (unknown
 * client, bad arguments), 2 the table could not be reached.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ApiClientStore, UnknownClientError, type ApiClientRecord } from '../lambdas/adapters/dynamodb/api-client-store';
import { tableById } from '../lib/definitions/tables';
import { AUTHORIZER_CACHE_TTL_SECONDS, type Role } from '../lib/definitions/routes';
import { systemClock, type Clock } from '../lambdas/core/time/clock';

const USAGE = `Usage: npm run api-keys -- <command> [options]

Commands:
  create --role storefront|finance [--name NAME]   a new client and key (the key is shown once)
  list [--json]                                     every client: id, name, role, created, revoked
  revoke <clientId>                                 the client's key stops working (within ${AUTHORIZER_CACHE_TTL_SECONDS} s)

Where (default: the local stack of npm start, DynamoDB Local on 127.0.0.1:$DYNAMODB_PORT or 8000):
  --stage NAME      a deployed stage: table order-to-cash-NAME-ApiClients, AWS credentials from the environment
  --region REGION   the stage's region (default: AWS_REGION)
  --table NAME      the ApiClients table's name, overriding the above
  --endpoint URL    a DynamoDB endpoint, overriding the above`;

/** Where the command works: the table and how to reach it. */
export interface Target {
  readonly tableName: string;
  readonly endpoint?: string;
  readonly region?: string;
  readonly local: boolean;
}

/** The table and endpoint the options name (see the module comment). */
export function targetOf(options: { stage?: string | undefined; region?: string | undefined; table?: string | undefined; endpoint?: string | undefined }, env: NodeJS.ProcessEnv = process.env): Target {
  const definition = tableById('ApiClients');
  if (options.stage !== undefined) {
    if (!/^[a-z][a-z0-9-]{0,15}$/.test(options.stage)) throw new UsageError(`--stage must be a stage name (lower-case letters, digits, dashes), not "${options.stage}"`);
    return {
      tableName: options.table ?? `order-to-cash-${options.stage}-${definition.id}`,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.region ?? env.AWS_REGION ? { region: options.region ?? env.AWS_REGION } : {}),
      local: false,
    };
  }
  return {
    tableName: options.table ?? `local-${definition.id}`,
    endpoint: options.endpoint ?? `http://127.0.0.1:${env.DYNAMODB_PORT || '8000'}`,
    region: options.region ?? 'eu-west-1',
    local: true,
  };
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly clock: Clock;
  /** The store of the target (built from the options unless a test gives one). */
  readonly store?: (target: Target) => Pick<ApiClientStore, 'create' | 'list' | 'revoke'>;
}

function storeFor(target: Target): ApiClientStore {
  const client = new DynamoDBClient({
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.region ? { region: target.region } : {}),
    // DynamoDB Local takes any credentials.
    ...(target.local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 3,
  });
  return new ApiClientStore(DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }), target.tableName);
}

function row(client: ApiClientRecord): string {
  return [client.clientId.padEnd(28), client.clientName.padEnd(24), client.role.padEnd(10), (client.createdAt || '-').padEnd(24), client.revokedAt ?? '-'].join(' ');
}

/** Runs the command; returns the exit code. */
export async function runApiKeys(argv: readonly string[], io: CommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        role: { type: 'string' },
        name: { type: 'string' },
        json: { type: 'boolean', default: false },
        stage: { type: 'string' },
        region: { type: 'string' },
        table: { type: 'string' },
        endpoint: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 1;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : 1;
  }
  let target: Target;
  try {
    target = targetOf(values);
    if (!['create', 'list', 'revoke'].includes(command)) throw new UsageError(`unknown command "${command}"`);
    if (command === 'create') {
      if (values.role !== 'storefront' && values.role !== 'finance') throw new UsageError('create needs --role storefront or --role finance');
      if (values.name !== undefined && (values.name.trim() === '' || values.name.length > 100 || /[\u0000-\u001f\u007f]/.test(values.name))) {
        throw new UsageError('--name must be 1-100 characters without control characters');
      }
      if (rest.length) throw new UsageError(`create takes no further arguments (${rest.join(' ')})`);
    }
    if (command === 'list' && rest.length) throw new UsageError(`list takes no further arguments (${rest.join(' ')})`);
    if (command === 'revoke' && rest.length !== 1) throw new UsageError('revoke needs exactly one client id: npm run api-keys -- revoke <clientId>');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`${error.message}\n\n${USAGE}`);
    return 1;
  }
  const store = (io.store ?? storeFor)(target);
  const where = target.local ? `the local stack (${target.tableName} at ${target.endpoint})` : `table ${target.tableName}`;
  const now = io.clock.now().toISOString();
  try {
    if (command === 'create') {
      const { apiKey, client } = await store.create({ role: values.role as Role, name: values.name }, now);
      io.out(`Created ${client.role} client ${client.clientId} ("${client.clientName}") in ${where}.`);
      io.out(`API key (shown only now; only its SHA-256 is kept): ${apiKey}`);
      io.out(`Send it as the x-api-key header.`);
      return 0;
    }
    if (command === 'list') {
      const clients = await store.list();
      if (values.json) {
        io.out(JSON.stringify(clients, null, 2));
        return 0;
      }
      io.out(['client id'.padEnd(28), 'name'.padEnd(24), 'role'.padEnd(10), 'created'.padEnd(24), 'revoked'].join(' '));
      for (const client of clients) io.out(row(client));
      io.out(`${clients.length} client${clients.length === 1 ? '' : 's'} in ${where}.`);
      return 0;
    }
    const clientId = rest[0]!;
    const revoked = await store.revoke(clientId, now);
    io.out(`Revoked ${revoked.role} client ${revoked.clientId} ("${revoked.clientName}") at ${revoked.revokedAt}; its key is refused within ${AUTHORIZER_CACHE_TTL_SECONDS} s.`);
    return 0;
  } catch (error) {
    if (error instanceof UnknownClientError) {
      io.err(`No client ${error.clientId} in ${where} (npm run api-keys -- list shows them).`);
      return 1;
    }
    const name = (error as { name?: string }).name ?? 'Error';
    const hint = target.local ? 'Is the local stack running (npm start)?' : 'Are the AWS credentials, the region and --stage right?';
    io.err(`Could not reach ${where}: ${name}: ${(error as Error).message}. ${hint}`);
    return 2;
  }
}

const invokedDirectly = (() => {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

if (invokedDirectly) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  runApiKeys(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line), clock: systemClock }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(2);
    },
  );
}
