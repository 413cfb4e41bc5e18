/**
 * The whole local AWS in one process: DynamoDB Local (a child Java process), SES, Step Functions
 * (the ASL files run by aws-local-stepfunctions), the Lambdas in-process, the API Gateway, and
 * one movable clock. Used by `npm start` and by the integration tests.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultSettings, type AppSettings } from '../lib/definitions/settings';
import { ApiClientStore } from '../lambdas/adapters/dynamodb/api-client-store';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableById } from '../lib/definitions/tables';
import { LocalClock, parseIsoDurationMs, InvalidDurationError, ClockMovedBackwardsError, ClockMoveTooLargeError, MAX_MOVE_MS, MAX_MOVE_TEXT } from './clock';
import { ensureTables, localTableName, startDynamoDbLocal, type LocalDynamoDb } from './dynamodb';
import { LOCAL_CREDENTIALS, localBucketName, localEnvironment } from './environment';
import { startLocalS3, type LocalS3 } from './s3';
import { buckets } from '../lib/definitions/buckets';
import { isLoopback, LocalGateway } from './gateway';
import { LocalStartupError } from './errors';
import { LocalLambdas } from './lambda-runtime';
import { InvalidFaultError, LocalFaults, type FaultRequest } from './faults';
import { assertPortFree, freePort } from './ports';
import { startLocalSes, type LocalSes } from './ses';
import { localStateMachines } from './state-machines';
import { LocalScheduler } from './scheduler';
import { localCursorSecret, localPayLinkSecret, localWebhookSecret } from './secrets';
import { LocalPaymentProvider } from './payment-provider';
import { PORTAL_DIST } from '../lib/portal/build';
import { CONSOLE_DIST } from '../lib/console/build';
import { LocalStepFunctions } from './stepfunctions/service';
import { LocalUsage } from './usage';
import { observeBusinessMetricsLocally } from '../lambdas/shared/metrics';
import { BUSINESS_METRICS_NAMESPACE, BUSINESS_METRICS_SERVICE } from '../lib/definitions/metrics';
import { problemDocument } from '../lambdas/shared/problem';
import './polyfills';
import { LocalEventBus, OutboxStreamReader } from './event-bus';
import { EVENT_BUS_ENV } from '../lib/definitions/events';

export const ROOT_DIR = resolve(fileURLToPath(import.meta.url), '../..');

export interface LocalAwsOptions {
  /** The loopback address every local service listens on (default 127.0.0.1); nothing else is accepted. */
  readonly host?: string;
  /** 0 picks a free port (tests). */
  readonly ports?: { gateway?: number; dynamodb?: number; ses?: number; stepFunctions?: number; s3?: number; events?: number; paymentProvider?: number };
  readonly dataDir?: string;
  readonly settings?: Partial<AppSettings>;
  readonly apiKeys?: { storefront?: string; finance?: string };
  /** Signs the API's pagination cursors (at least 32 characters); default: one kept in the data folder. */
  readonly cursorSecret?: string;
  /** Signs customers' pay links (at least 32 characters); default: one kept in the data folder. */
  readonly payLinkSecret?: string;
  readonly log?: (line: string) => void;
}

export interface LocalAws {
  readonly url: string;
  readonly endpoints: { gateway: string; dynamodb: string; ses: string; stepFunctions: string; s3: string };
  readonly apiKeys: { storefront: string; finance: string };
  readonly clock: LocalClock;
  readonly dataDir: string;
  readonly stepFunctions: LocalStepFunctions;
  readonly stateMachineArns: Record<string, string>;
  /** Fault injection (also over `/_local/faults`). */
  readonly faults: LocalFaults;
  /** What the stack used, counted as AWS bills it (`npm run bench:cost`); state transitions are in the executions' histories. */
  readonly usage: LocalUsage;
  /** The local event bus (what was published, `GET /_local/events`) and the Outbox stream's reader. */
  readonly events: {
    readonly bus: LocalEventBus;
    readonly outboxStream: OutboxStreamReader;
    /**
     * Waits until every event written to the outbox so far is published and every rule target it
     * invoked has finished, and what those targets wrote likewise (tests: the bus alone may be idle
     * while the forwarder has not read the stream yet). Throws after `timeoutMs` (default 60 s).
     */
    settled(timeoutMs?: number): Promise<void>;
  };
  /** The local payment provider (Stripe's API as the product uses it, the hosted checkout page, signed webhooks). */
  readonly paymentProvider: LocalPaymentProvider;
  /** The process id of DynamoDB Local (Java); every other part runs in this process. */
  readonly dynamodbPid: number | undefined;
  stop(): Promise<void>;
}

export const DEFAULT_PORTS = { gateway: 3000, dynamodb: 8000, ses: 8005, stepFunctions: 8083, s3: 8006, paymentProvider: 8007 };
/** The client ids of the two development keys. */
export const LOCAL_CLIENT_IDS = { storefront: 'local-storefront', finance: 'local-finance' } as const;


async function pickPort(requested: number | undefined, fallback: number, host: string, what: string, envVar: string): Promise<number> {
  const port = requested ?? fallback;
  if (port === 0) return freePort(host);
  await assertPortFree(port, host, what, envVar);
  return port;
}

export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const log = options.log ?? (() => undefined);
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) {
    throw new LocalStartupError(`The local stack listens on loopback only, not on ${host}`, 'Leave the host at 127.0.0.1: the local services have no access control of their own beyond the API keys');
  }
  const settings: AppSettings = { ...defaultSettings, stage: 'local', logLevel: 'WARN', ...options.settings };
  const dataDir = resolve(options.dataDir ?? join(ROOT_DIR, '.local-data'));
  const apiKeys = { storefront: options.apiKeys?.storefront ?? 'local-storefront-key', finance: options.apiKeys?.finance ?? 'local-finance-key' };
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };

  try {
    const ports = {
      gateway: await pickPort(options.ports?.gateway, DEFAULT_PORTS.gateway, host, 'the API gateway', 'PORT'),
      // DynamoDB Local takes connections on every interface: its port must be free on all of them.
      dynamodb: await pickPort(options.ports?.dynamodb, DEFAULT_PORTS.dynamodb, '0.0.0.0', 'DynamoDB Local', 'DYNAMODB_PORT'),
      ses: await pickPort(options.ports?.ses, DEFAULT_PORTS.ses, host, 'SES', 'SES_PORT'),
      stepFunctions: await pickPort(options.ports?.stepFunctions, DEFAULT_PORTS.stepFunctions, host, 'Step Functions', 'SFN_PORT'),
      s3: await pickPort(options.ports?.s3, DEFAULT_PORTS.s3, host, 'S3', 'S3_PORT'),
      // A stack on free ports (tests, benchmarks) takes a free one for the provider too.
      paymentProvider: await pickPort(options.ports?.paymentProvider ?? (options.ports?.gateway === 0 ? 0 : undefined), DEFAULT_PORTS.paymentProvider, host, 'the local payment provider', 'PAYMENT_PROVIDER_PORT'),
    };

    const clock = new LocalClock({
      stateFile: join(dataDir, 'clock.json'),
      // A long move tells how far it is, a line per simulated week (GET /_local/clock shows it too).
      onProgress: (p) => log(`clock        moving to ${p.to.slice(0, 10)}: at ${p.now.slice(0, 16)}Z, ${p.percent}% (${p.timersFired} timers fired, ${(p.elapsedMs / 1000).toFixed(1)} s)`),
    });
    stops.push(async () => clock.dispose());
    clock.install();
    log(`clock        ${clock.now().toISOString()}`);

    let t = Date.now();
    const dynamodb: LocalDynamoDb = await startDynamoDbLocal({ port: ports.dynamodb, dataDir: join(dataDir, 'dynamodb'), allowOrigin: `http://${host}:${ports.gateway}`, log });
    stops.push(() => dynamodb.stop());
    const created = await ensureTables(dynamodb.client, settings.stage);
    log(`dynamodb     ${dynamodb.endpoint} (DynamoDB Local, ${created.length ? `created ${created.length} tables` : 'tables present'}) ${Date.now() - t} ms`);

    const documents = DynamoDBDocumentClient.from(dynamodb.client);
    const clients = new ApiClientStore(documents, localTableName(tableById('ApiClients'), settings.stage));
    // The development keys, registered (again, active) at every start; more with `npm run api-keys`.
    const registeredAt = clock.now().toISOString();
    await clients.register(apiKeys.storefront, { clientId: LOCAL_CLIENT_IDS.storefront, clientName: LOCAL_CLIENT_IDS.storefront, role: 'storefront' }, registeredAt);
    await clients.register(apiKeys.finance, { clientId: LOCAL_CLIENT_IDS.finance, clientName: LOCAL_CLIENT_IDS.finance, role: 'finance' }, registeredAt);

    t = Date.now();
    const ses: LocalSes = await startLocalSes({ host, port: ports.ses, mailFile: join(dataDir, 'ses', 'emails.json') });
    stops.push(() => ses.stop());
    log(`ses          ${ses.endpoint} (aws-ses-v2-local) ${Date.now() - t} ms`);

    t = Date.now();
    const s3: LocalS3 = await startLocalS3({
      host,
      port: ports.s3,
      directory: join(dataDir, 's3'),
      buckets: buckets.map((b) => localBucketName(b, settings.stage)),
      credentials: { accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey },
    });
    stops.push(() => s3.stop());
    log(`s3           ${s3.endpoint} (s3rver, buckets ${buckets.map((b) => localBucketName(b, settings.stage)).join(', ')}) ${Date.now() - t} ms`);

    // EventBridge: the bus the forwarder publishes on; its rules invoke their targets in-process.
    let invokeTarget: (functionId: string, event: unknown) => Promise<unknown> = async () => {
      throw new Error('The functions are not loaded yet');
    };
    const bus = new LocalEventBus({ host, port: options.ports?.events ?? 0, invoke: (id, event) => invokeTarget(id, event), now: () => clock.now(), log });
    const eventBridgeEndpoint = await bus.start();
    stops.push(() => bus.stop());

    const endpoints = { gateway: '', dynamodb: dynamodb.endpoint, ses: ses.endpoint, stepFunctions: `http://${host}:${ports.stepFunctions}`, s3: s3.endpoint };
    // The local payment provider (Stripe's API as the product uses it); webhooks go to the gateway once it listens.
    t = Date.now();
    const stripeSecretKey = 'sk_test_local_payment_provider';
    const webhookSecret = localWebhookSecret(dataDir, process.env.STRIPE_WEBHOOK_SECRET);
    const paymentProvider = new LocalPaymentProvider({ host, port: ports.paymentProvider, secretKey: stripeSecretKey, webhookSecret, log });
    const providerUrl = await paymentProvider.start();
    stops.push(() => paymentProvider.stop());
    log(`payments     ${providerUrl} (local payment provider: Stripe API, hosted checkout, signed webhooks) ${Date.now() - t} ms`);

    Object.assign(
      process.env,
      localEnvironment(settings, endpoints, { cursorSecret: localCursorSecret(dataDir, options.cursorSecret) }, {
        payLinkSecret: localPayLinkSecret(dataDir, options.payLinkSecret),
        portalUrl: `http://${host}:${ports.gateway}/pay/`,
        stripeApiUrl: providerUrl,
        stripeSecretKey,
        stripeWebhookSecret: webhookSecret,
      }),
      {
        AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridgeEndpoint,
        [EVENT_BUS_ENV]: `${settings.stage}-events`,
      },
    );

    // Fault injection: inert until a fault is set (POST /_local/faults or `faults.add` in tests).
    const faults = new LocalFaults();
    faults.install();
    stops.push(async () => faults.uninstall());

    // The usage meter: counts SDK calls, invocations, API requests and metric values as AWS bills them.
    const usage = new LocalUsage();
    usage.install();
    observeBusinessMetricsLocally((counts) => usage.metricsPublished(Object.keys(counts).length, emfLineBytes(counts, settings.stage)));
    stops.push(async () => {
      usage.uninstall();
      observeBusinessMetricsLocally(undefined);
    });

    t = Date.now();
    const lambdas = new LocalLambdas(ROOT_DIR, settings.stage, clock, faults, usage);
    await lambdas.load();
    log(`lambda       ${'in-process'} handlers loaded ${Date.now() - t} ms`);

    t = Date.now();
    const machines = localStateMachines(ROOT_DIR, settings.stage);
    const stepFunctions = new LocalStepFunctions({
      host,
      port: ports.stepFunctions,
      dataDir: join(dataDir, 'stepfunctions'),
      clock,
      region: 'eu-west-1',
      accountId: '000000000000',
      stateMachines: machines,
      invokeLambda: (name, payload) => lambdas.invoke(name, payload),
      dynamodb: dynamodb.client,
      beforeTaskAction: (action) => faults.beforeStepFunctionsAction(action),
      log,
    });
    const sfn = await stepFunctions.start();
    stops.push(() => stepFunctions.stop());
    log(`stepfunctions ${sfn.url} (${machines.map((m) => m.name).join(', ')}) ${Date.now() - t} ms`);

    // EventBridge Scheduler on the local clock: the daily dunning run at 06:00 business time.
    const scheduler = new LocalScheduler({ clock, timeZone: settings.businessTimeZone, invoke: (id, event) => {
        usage.schedulerInvoked();
        return lambdas.invoke(id, event);
      }, log });
    scheduler.start();
    stops.push(() => scheduler.stop());
    log(`scheduler    daily dunning run at 06:00, monthly statements on the 1st at 07:00 ${settings.businessTimeZone}`);

    // The outbox's stream feeds the forwarder, which publishes on the bus; the bus's rules invoke their targets.
    invokeTarget = (id, event) => lambdas.invoke(id, event);
    const outboxStream = new OutboxStreamReader({ dynamodb: dynamodb.client, endpoint: dynamodb.endpoint, tableName: localTableName(tableById('Outbox'), settings.stage), invoke: (id, event) => lambdas.invoke(id, event), log });
    outboxStream.start();
    stops.push(() => outboxStream.stop());
    log(`events       ${eventBridgeEndpoint} (bus ${settings.stage}-events; the Outbox stream forwarded by ForwardEvents)`);

    const gateway = new LocalGateway({
      host,
      port: ports.gateway,
      stage: settings.stage,
      lambdas,
      clock,
      meterRequest: (url, headers, work) => usage.request(url, headers, work),
      consoleDir: CONSOLE_DIST,
      portalDir: PORTAL_DIST,
      localRoutes: {
        'GET /health': {
          open: true,
          handler: async () => {
            const parts = await health(dynamodb, ses, stepFunctions, s3);
            const ok = Object.values(parts).every((p) => p === 'up');
            return { statusCode: ok ? 200 : 503, body: { status: ok ? 'ok' : 'degraded', parts, clock: clock.now().toISOString() } };
          },
        },
        'GET /clock': { handler: async () => ({ statusCode: 200, body: clockView(clock) }) },
        // Fault injection: a function fails or times out, DynamoDB/SES/Step Functions throttle or refuse.
        'GET /faults': { handler: async () => ({ statusCode: 200, body: { items: faults.list(), struck: faults.log.length } }) },
        'POST /faults': { handler: async (request) => addFault(faults, request.body) },
        'DELETE /faults': {
          handler: async (request) => {
            const id = request.query.get('id') ?? undefined;
            const removed = faults.clear(id);
            if (id !== undefined && removed === 0) return { statusCode: 404, body: problemDocument(404, 'NOT_FOUND', `fault ${id} does not exist`, [{ field: 'id', problem: 'no such fault' }]) };
            return { statusCode: 200, body: { removed } };
          },
        },
        'POST /clock': { handler: async (request) => moveClock(clock, request.body) },
        // What was published on the event bus, oldest first (`?type=InvoiceIssued.v1` filters by detail type).
        'GET /events': {
          handler: async (request) => {
            const type = request.query.get('type');
            const items = bus.published.filter((e) => !type || e['detail-type'] === type);
            return { statusCode: 200, body: { items, count: items.length } };
          },
        },
        // SES feedback, locally: report a bounce (or complaint) of a sent message as SES would through SNS.
        'POST /emails/feedback': {
          handler: async (request) => {
            let body: { messageId?: unknown; type?: unknown; bounceType?: unknown };
            try {
              body = JSON.parse(request.body || '{}') as typeof body;
            } catch {
              return clockError('(body)', 'is not valid JSON');
            }
            if (typeof body.messageId !== 'string' || body.messageId === '') return clockError('messageId', 'is required: the messageId of a sent email');
            const type = body.type === 'Complaint' ? 'Complaint' : 'Bounce';
            const message = { eventType: type, mail: { messageId: body.messageId }, ...(type === 'Bounce' ? { bounce: { bounceType: typeof body.bounceType === 'string' ? body.bounceType : 'Permanent' } } : {}) };
            const result = await lambdas.invoke('RecordEmailFeedback', { Records: [{ EventSource: 'aws:sns', Sns: { Message: JSON.stringify(message) } }] });
            return { statusCode: 200, body: result };
          },
        },
        'GET /emails': {
          handler: async () => ({
            statusCode: 200,
            body: {
              items: (await ses.emails()).map((e) => ({
                messageId: e.messageId,
                from: e.from,
                to: e.destination.to,
                subject: e.subject,
                // The local SES keeps epoch seconds.
                at: new Date(e.at * 1000).toISOString(),
                text: e.body.text ?? null,
                html: e.body.html ?? null,
                // The local SES keeps the attachments of a raw message (content base64); listed without content.
                attachments: ((e as { attachments?: { filename?: string; contentType: string; size: number }[] }).attachments ?? []).map((a) => ({
                  filename: a.filename ?? null,
                  contentType: a.contentType,
                  size: a.size,
                })),
              })),
            },
          }),
        },
      },
    });
    const url = await gateway.start();
    stops.push(() => gateway.stop());
    endpoints.gateway = url;
    paymentProvider.webhookUrl = `${url}/webhooks/stripe`;
    log(`api gateway  ${url}`);

    return {
      url,
      endpoints,
      apiKeys,
      clock,
      dataDir,
      stepFunctions,
      stateMachineArns: Object.fromEntries(machines.map((m) => [m.name, stepFunctions.stateMachineArn(m.name)])),
      faults,
      usage,
      events: {
        bus,
        outboxStream,
        settled: async (timeoutMs = 60_000) => {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            await bus.settled();
            const waiting = await outboxStream.unpublished();
            if (waiting > 0) {
              if (Date.now() > deadline) throw new Error(`${waiting} outbox events still unpublished after ${timeoutMs} ms`);
              await new Promise((resolve) => setTimeout(resolve, 50));
              continue;
            }
            // Published since the bus was last idle: their deliveries are pending now.
            await bus.settled();
            if ((await outboxStream.unpublished()) === 0) return;
          }
        },
      },
      paymentProvider,
      dynamodbPid: dynamodb.pid,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function health(dynamodb: LocalDynamoDb, ses: LocalSes, sfn: LocalStepFunctions, s3: LocalS3) {
  const check = async (probe: () => Promise<unknown>) => {
    try {
      await probe();
      return 'up';
    } catch {
      return 'down';
    }
  };
  const { ListTablesCommand } = await import('@aws-sdk/client-dynamodb');
  return {
    dynamodb: await check(() => dynamodb.client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) })),
    ses: await check(() => ses.emails()),
    stepFunctions: await check(() => sfn.handle('ListStateMachines', {})),
    s3: await check(async () => {
      const response = await fetch(s3.endpoint, { signal: AbortSignal.timeout(2_000) });
      if (response.status >= 500) throw new Error(`S3 answered ${response.status}`);
    }),
    gateway: 'up',
  };
}

/** POST /_local/faults: one fault (or `{"faults": [...]}`), validated; answers the faults set. */
function addFault(faults: LocalFaults, body: string) {
  let request: unknown;
  try {
    request = JSON.parse(body || '{}');
  } catch {
    return clockError('(body)', 'is not valid JSON');
  }
  const many = typeof request === 'object' && request !== null && Array.isArray((request as { faults?: unknown }).faults);
  const requests = (many ? (request as { faults: unknown[] }).faults : [request]) as FaultRequest[];
  try {
    const added = requests.map((r) => faults.add(r));
    return { statusCode: 201, body: { items: added } };
  } catch (error) {
    if (error instanceof InvalidFaultError) return clockError(error.field, error.problem);
    throw error;
  }
}

function clockView(clock: LocalClock) {
  const moving = clock.progress();
  return { now: clock.now().toISOString(), pendingTimers: clock.pendingTimers().map((d) => d.toISOString()), moving: moving ?? null };
}

function clockError(field: string, problem: string) {
  return { statusCode: 400, body: problemDocument(400, 'VALIDATION_FAILED', `${field}: ${problem}`, [{ field, problem }]) };
}

/**
 * `POST /_local/clock` with `{"advance": "P30D"}` or `{"to": "<instant>"}`: forward only, at most
 * a year at once (checked before anything moves, so `P9999999D` is a 400 at once), one move at a
 * time (a second one while the clock moves is a 409 pointing at the progress).
 */
async function moveClock(clock: LocalClock, body: string) {
  let request: unknown;
  try {
    request = JSON.parse(body || '{}');
  } catch {
    return clockError('(body)', 'is not valid JSON');
  }
  if (!request || typeof request !== 'object' || Array.isArray(request)) return clockError('(body)', 'must be a JSON object with "advance" or "to"');
  const { advance, to, ...rest } = request as { advance?: unknown; to?: unknown };
  const unknown = Object.keys(rest);
  if (unknown.length) return clockError(unknown[0]!.slice(0, 40), `unknown field: give "advance" (an ISO 8601 duration such as P30D) or "to" (an instant)`);
  let target: Date;
  if (typeof advance === 'string' && to === undefined) {
    let ms: number;
    try {
      ms = parseIsoDurationMs(advance);
    } catch (error) {
      if (error instanceof InvalidDurationError) return clockError('advance', error.message);
      throw error;
    }
    if (!(ms <= MAX_MOVE_MS)) return clockError('advance', `must move the clock at most ${MAX_MOVE_TEXT} at once; move it in steps`);
    target = new Date(clock.nowMs() + ms);
  } else if (typeof to === 'string' && advance === undefined) {
    target = new Date(to);
    if (to.length > 40 || Number.isNaN(target.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(to)) return clockError('to', 'must be an ISO 8601 instant such as 2026-12-31T06:00:00Z');
    if (target.getTime() < clock.nowMs()) return clockError('to', `must not be before the clock's now (${clock.now().toISOString()}): the local clock only moves forward`);
    if (target.getTime() - clock.nowMs() > MAX_MOVE_MS) return clockError('to', `must be at most ${MAX_MOVE_TEXT} after the clock's now (${clock.now().toISOString()}); move it in steps`);
  } else if (advance !== undefined && to !== undefined) {
    return clockError('advance', 'give either "advance" or "to", not both');
  } else if (advance !== undefined) {
    return clockError('advance', 'must be an ISO 8601 duration such as P30D');
  } else if (to !== undefined) {
    return clockError('to', 'must be an ISO 8601 instant such as 2026-12-31T06:00:00Z');
  } else {
    return clockError('advance', 'give either "advance" (an ISO 8601 duration such as P30D) or "to" (an instant)');
  }
  if (clock.isMoving()) {
    const moving = clock.progress();
    return {
      statusCode: 409,
      body: problemDocument(
        409,
        'CLOCK_MOVING',
        `The clock is moving${moving ? ` to ${moving.to} (${moving.percent}% done)` : ''}; wait until it arrives: GET /_local/clock shows the progress`,
        moving ? [{ moving }] : [],
      ),
    };
  }
  try {
    await clock.advanceTo(target);
  } catch (error) {
    if (error instanceof ClockMovedBackwardsError) return clockError('to', error.message);
    if (error instanceof ClockMoveTooLargeError) return clockError(advance === undefined ? 'to' : 'advance', error.message);
    throw error;
  }
  return { statusCode: 200, body: clockView(clock) };
}

/** The size of the embedded-metric-format log line Powertools would write for these values (what CloudWatch Logs ingests). */
function emfLineBytes(counts: Readonly<Record<string, number>>, stage: string): number {
  const line = {
    _aws: {
      Timestamp: 1_800_000_000_000,
      CloudWatchMetrics: [{ Namespace: BUSINESS_METRICS_NAMESPACE, Dimensions: [['service', 'stage']], Metrics: Object.keys(counts).map((Name) => ({ Name, Unit: 'Count' })) }],
    },
    service: BUSINESS_METRICS_SERVICE,
    stage,
    ...counts,
  };
  return Buffer.byteLength(JSON.stringify(line)) + 1;
}
