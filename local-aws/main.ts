/**
 * `npm start`: the whole product on this machine, no AWS account, no Docker. Prints progress and
 * the endpoints, keeps running until Ctrl-C, and stops every part cleanly.
 */
import { LocalStartupError } from './errors';
import { DEFAULT_PORTS, startLocalAws } from './runtime';
import { ensureConsoleBuilt } from '../lib/console/build';
import { ensurePortalBuilt } from '../lib/portal/build';

function portFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new LocalStartupError(`${name}=${text} is not a port number`, `Use a number from 1 to 65535, for example ${name}=${fallback}`);
  }
  return port;
}

async function main(): Promise<void> {
  // Wall time, not Date: the local clock replaces Date, and a clock moved before is restored at start.
  const started = performance.now();
  // Locally on Node 20 the SDK warns that its 2027 releases need Node 22 (the Lambdas run on 22).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  console.log('Starting the local order-to-cash stack (DynamoDB Local, SES, S3, Step Functions, Lambdas, API Gateway)...');
  // The finance console is built when its sources changed since the last build (a few seconds).
  await ensureConsoleBuilt((line) => console.log(`  … ${line}`)).catch((error: unknown) =>
    console.warn(`  ✗ the finance console could not be built (${error instanceof Error ? error.message : String(error)}); the API runs without it`),
  );
  // The customer portal (the page a pay link opens), built the same way.
  await ensurePortalBuilt((line) => console.log(`  … ${line}`)).catch((error: unknown) =>
    console.warn(`  ✗ the customer portal could not be built (${error instanceof Error ? error.message : String(error)}); the API runs without it`),
  );
  const local = await startLocalAws({
    ports: {
      gateway: portFromEnv('PORT', DEFAULT_PORTS.gateway),
      dynamodb: portFromEnv('DYNAMODB_PORT', DEFAULT_PORTS.dynamodb),
      ses: portFromEnv('SES_PORT', DEFAULT_PORTS.ses),
      stepFunctions: portFromEnv('SFN_PORT', DEFAULT_PORTS.stepFunctions),
      s3: portFromEnv('S3_PORT', DEFAULT_PORTS.s3),
      paymentProvider: portFromEnv('PAYMENT_PROVIDER_PORT', DEFAULT_PORTS.paymentProvider),
    },
    ...(process.env.DATA_DIR ? { dataDir: process.env.DATA_DIR } : {}),
    apiKeys: {
      ...(process.env.STOREFRONT_API_KEY ? { storefront: process.env.STOREFRONT_API_KEY } : {}),
      ...(process.env.FINANCE_API_KEY ? { finance: process.env.FINANCE_API_KEY } : {}),
    },
    settings: process.env.BUSINESS_TIME_ZONE ? { businessTimeZone: process.env.BUSINESS_TIME_ZONE } : {},
    ...(process.env.CURSOR_SECRET ? { cursorSecret: process.env.CURSOR_SECRET } : {}),
    ...(process.env.PAY_LINK_SECRET ? { payLinkSecret: process.env.PAY_LINK_SECRET } : {}),
    log: (line) => console.log(`  ✓ ${line}`),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`
Ready in ${seconds} s.

  API            ${local.url}
  Finance console ${local.url}/console/   (finance key: ${local.apiKeys.finance})
  Health         ${local.url}/_local/health   (no key needed)
  Clock          ${local.url}/_local/clock    (finance key; POST {"advance":"P7D"} moves it, at most P366D at once)
  Sent emails    ${local.url}/_local/emails   (finance key)
  Events         ${local.url}/_local/events   (finance key; what was published on the bus; webhooks: POST /webhooks)
  Customer portal ${local.url}/pay/#link=...   (opened by the pay link in every invoice and reminder email)
  Payments       ${local.paymentProvider.url}   (local payment provider: Stripe's API, hosted checkout with Pay/Decline, signed webhooks)
  Data folder    ${local.dataDir}

  Credentials    storefront  x-api-key: ${local.apiKeys.storefront}   (client local-storefront)
                 finance     x-api-key: ${local.apiKeys.finance}   (client local-finance)
                 more        npm run api-keys -- create --role storefront|finance [--name NAME]   (list, revoke <clientId>)

  AWS CLI / SDK endpoints (any credentials, region eu-west-1; for the CLI: export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=eu-west-1):
    DynamoDB       ${local.endpoints.dynamodb}
    SES            ${local.endpoints.ses}
    Step Functions ${local.endpoints.stepFunctions}
    S3             ${local.endpoints.s3}   (s3rver, path-style addressing)
    e.g. aws stepfunctions list-executions --endpoint-url ${local.endpoints.stepFunctions} --region eu-west-1 --state-machine-arn ${Object.values(local.stateMachineArns).find((arn) => arn.endsWith('OrderLifecycle')) ?? ''}

Press Ctrl-C to stop.`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping (waiting executions resume at the next start)...`);
    await local.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('Ctrl-C'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof LocalStartupError) {
    console.error(`\n✗ ${error.message}\n  What to do: ${error.hint}`);
  } else {
    console.error('\n✗ The local stack could not start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
