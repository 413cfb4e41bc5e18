/**
 * Benchmark of the asynchronous statement upload on the local AWS. Starts its own local AWS (fresh
 * data folder, free ports) unless BENCH_URL points at a running one, imports N open items of C
 * customers (POST /invoices/import, polled until imported), builds a camt.054 with one credit line
 * per item (RF references, loosely written numbers, partial, over and short payments, unknown
 * payers) and measures:
 *  1. the upload through S3: a presigned URL (POST /remittances/uploads), the PUT, POST /remittances
 *     {"uploadId"}: the seconds until the 202, then until GET /remittances/{id} says completed, lines
 *     per second, and the progress seen meanwhile;
 *  2. the same file again, as the request body (every line found recorded, nothing applied);
 *  3. that the ledger check holds.
 * Each size given to `--lines` (comma-separated, default 1,000 and 10,000) is measured in turn on the
 * same local AWS, with the load average of the machine before and after (the figures depend on it).
 * Usage: npm run bench:remittances -- [--lines 1000,10000] [--customers 100]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalAws, type LocalAws } from '../../local-aws/runtime';
import { LocalLambdas } from '../../local-aws/lambda-runtime';
import { createRequire } from 'node:module';
import { ApiDriver } from '../integration/support/api-driver';
import { camt054For, importBody, openItems, type OpenItem } from '../support/remittance-files';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '1000,10000' }, customers: { type: 'string', default: '100' } } });
const SIZES = values.lines.split(',').map((n) => Number(n.trim()));
const CUSTOMERS = Number(values.customers);
if (SIZES.some((n) => !Number.isSafeInteger(n) || n < 1) || !Number.isSafeInteger(CUSTOMERS) || CUSTOMERS < 1) {
  process.stderr.write('--lines takes whole numbers from 1, comma-separated (1000,10000); --customers a whole number from 1\n');
  process.exit(2);
}
/**
 * Where the time goes (`--profile`, on by default): every SDK call the stack's functions make (they
 * run in this process) and every Lambda invocation, counted and timed by kind, between two marks.
 */
class Profile {
  private calls = new Map<string, { n: number; ms: number }>();
  private counting = false;
  install(): void {
    const require = createRequire(import.meta.url);
    type Send = (this: { config?: { serviceId?: string } }, command: { constructor: { name: string }; input?: Record<string, unknown> }, ...rest: unknown[]) => Promise<unknown>;
    const { Client } = require('@smithy/core/client') as { Client: { prototype: { send: Send } } };
    const send = Client.prototype.send;
    const self = this;
    Client.prototype.send = async function profiled(command, ...rest) {
      if (!self.counting) return send.call(this, command, ...rest);
      const input = command.input ?? {};
      const table = typeof input.TableName === 'string' ? input.TableName.replace(/^[^-]*-/, '') : Array.isArray(input.TransactItems) ? `${input.TransactItems.length <= 10 ? '<=10' : input.TransactItems.length <= 50 ? '<=50' : '<=100'} items` : input.RequestItems ? Object.keys(input.RequestItems).map((t) => t.replace(/^[^-]*-/, '')).join('+') : '';
      const index = typeof input.IndexName === 'string' ? `/${input.IndexName}` : '';
      const started = performance.now();
      try {
        return await send.call(this, command, ...rest);
      } finally {
        self.add(`${this.config?.serviceId ?? '?'} ${command.constructor.name.replace(/Command$/, '')} ${table}${index}`, performance.now() - started);
      }
    } as Send;
    const invoke = LocalLambdas.prototype.invoke;
    LocalLambdas.prototype.invoke = async function profiledInvoke(this: LocalLambdas, name: string, event: unknown) {
      if (!self.counting) return invoke.call(this, name, event);
      const started = performance.now();
      try {
        return await invoke.call(this, name, event);
      } finally {
        self.add(`Lambda ${name.split(':').at(-1)!.replace(/^[^-]*-/, '')}`, performance.now() - started);
      }
    };
  }
  private add(key: string, ms: number): void {
    const c = this.calls.get(key) ?? { n: 0, ms: 0 };
    c.n += 1;
    c.ms += ms;
    this.calls.set(key, c);
  }
  start(): void {
    this.calls.clear();
    this.counting = true;
  }
  /** The kinds by total time, with calls, calls per line and mean milliseconds. */
  report(lines: number): string {
    this.counting = false;
    return [...this.calls.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 25)
      .map(([key, c]) => `  ${key}: ${c.n} calls (${(c.n / lines).toFixed(2)}/line), ${(c.ms / 1000).toFixed(1)} s summed, ${(c.ms / c.n).toFixed(1)} ms each`)
      .join('\n');
  }
}
const profile = new Profile();

/** What POST /remittances takes as a request body at most (4 MiB). */
const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

/** Items per POST /invoices/import: a 10,000-item import in one call is what failed under load before. */
const IMPORT_PIECE = 1_000;

/**
 * A call that survives a loaded machine: a dropped connection, a time-out or a 502/503/504 is tried
 * again (up to 8 times, waiting longer each time) with the same Idempotency-Key, so a retried POST
 * replays rather than acting twice.
 */
async function steady<T>(what: string, call: () => Promise<{ status: number; body: T }>): Promise<{ status: number; body: T }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await call();
      if (![502, 503, 504].includes(response.status) || attempt >= 8) return response;
      process.stderr.write(`  ${what} answered ${response.status}; again (attempt ${attempt + 1})\n`);
    } catch (error) {
      if (attempt >= 8) throw error;
      process.stderr.write(`  ${what} failed (${error instanceof Error ? error.message : String(error)}); again (attempt ${attempt + 1})\n`);
    }
    await new Promise((r) => setTimeout(r, 500 * attempt));
  }
}

/** Polls `path` (each poll steady) until completed or failed; the progress seen on the way. */
async function poll<T extends { status?: unknown; progress?: unknown }>(api: ApiDriver, path: string, timeoutMs: number, everyMs: number) {
  const seen: string[] = [];
  const started = performance.now();
  for (;;) {
    const response = await steady(`GET ${path}`, () => api.get<T>(path));
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${JSON.stringify(response.body).slice(0, 500)}`);
    if (typeof response.body.progress === 'string' && seen.at(-1)?.endsWith(` ${response.body.progress}`) !== true) seen.push(`${((performance.now() - started) / 1000).toFixed(1)} s ${response.body.progress}`);
    if (response.body.status === 'completed' || response.body.status === 'failed') return { response, seen };
    if (performance.now() - started > timeoutMs) throw new Error(`${path} not finished after ${timeoutMs / 1000} s: ${JSON.stringify(response.body).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Imports the open items in pieces of {@link IMPORT_PIECE}, each POSTed (steady, one key) and polled until completed. */
async function importInPieces(api: ApiDriver, items: readonly OpenItem[]): Promise<void> {
  for (let from = 0; from < items.length; from += IMPORT_PIECE) {
    const piece = items.slice(from, from + IMPORT_PIECE);
    const key = randomUUID();
    const accepted = await steady('POST /invoices/import', () => api.post<{ importId: string }>('/invoices/import', importBody(piece), 'finance', { 'Idempotency-Key': key }));
    if (accepted.status !== 202) throw new Error(`POST /invoices/import answered ${accepted.status}: ${JSON.stringify(accepted.body).slice(0, 500)}`);
    const { response } = await poll<{ status: string; progress: string }>(api, `/invoices/import/${accepted.body.importId}`, 900_000, 500);
    if (response.body.status !== 'completed') throw new Error(`the import ended ${JSON.stringify(response.body).slice(0, 500)}`);
    process.stderr.write(`  ${Math.min(items.length, from + IMPORT_PIECE)}/${items.length} open items imported\n`);
  }
}

const load = () => loadavg().map((n) => n.toFixed(1)).join(' ');

/** CPU seconds (user and system) of a process so far, from /proc (undefined where that cannot be read). */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // After the command's closing parenthesis: state is field 3, utime and stime fields 14 and 15.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds of each thread of the Java process so far, by thread id, with its kind: the JIT
 * compilers (`C1/C2 CompilerThre`), the garbage collector (`GC Thread`, `G1 ...`) or the rest
 * (requests, SQLite). Empty where /proc cannot be read.
 */
function javaThreadSeconds(pid: number | undefined): Map<string, { kind: 'jit' | 'gc' | 'work'; seconds: number }> {
  const out = new Map<string, { kind: 'jit' | 'gc' | 'work'; seconds: number }>();
  if (pid === undefined) return out;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
        out.set(tid, { kind: /Compiler/.test(name) ? 'jit' : /^(GC|G1)/.test(name) ? 'gc' : 'work', seconds: (Number(fields[11]) + Number(fields[12])) / 100 });
      } catch {
        // the thread ended meanwhile
      }
    }
  } catch {
    // no /proc here
  }
  return out;
}

/** CPU seconds the Java threads of kind `kind` used between two readings (a thread that ended in between is not counted). */
function javaSecondsBetween(before: ReturnType<typeof javaThreadSeconds>, after: ReturnType<typeof javaThreadSeconds>, kind: 'jit' | 'gc'): number {
  let seconds = 0;
  for (const [tid, thread] of after) if (thread.kind === kind) seconds += thread.seconds - (before.get(tid)?.seconds ?? 0);
  return seconds;
}

/** CPU seconds of this process (the API, Step Functions and every Lambda run in it) and of DynamoDB Local's Java process (and its threads by kind). */
function cpuNow(dynamodbPid: number | undefined) {
  const own = process.cpuUsage();
  return { node: (own.user + own.system) / 1e6, java: cpuSecondsOf(dynamodbPid), javaThreads: javaThreadSeconds(dynamodbPid) };
}

interface Statement {
  statementId: string;
  status: string;
  progress: string;
  counts: Record<string, number>;
  lastUpload: Record<string, number>;
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let stop = async () => undefined as void;
  let usage: LocalAws['usage'] | undefined;
  let dynamodbPid: number | undefined;
  let api: ApiDriver;
  if (process.env.BENCH_URL) {
    api = new ApiDriver(process.env.BENCH_URL, { storefront: 'local-storefront-key', finance: 'local-finance-key' });
  } else {
    const dataDir = mkdtempSync(join(tmpdir(), 'otc-bench-'));
    process.stderr.write('starting the local AWS...\n');
    const local = await startLocalAws({ ports: { gateway: 0, dynamodb: 0, ses: 0, stepFunctions: 0, s3: 0 }, dataDir });
    api = new ApiDriver(local.url, local.apiKeys);
    usage = local.usage;
    dynamodbPid = local.dynamodbPid;
    profile.install();
    stop = async () => {
      await local.stop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  }
  try {
    for (const lines of SIZES) await measure(api, usage, lines, dynamodbPid);
  } finally {
    await stop();
  }
}

/** One size: open items, the upload through S3, the same file again, the ledger check; prints the figures. */
async function measure(api: ApiDriver, usage: LocalAws['usage'] | undefined, LINES: number, dynamodbPid: number | undefined): Promise<void> {
  const loadBefore = load();
  {
    const prefix = Array.from({ length: 4 }, () => String.fromCharCode(65 + Math.floor(Math.random() * 26))).join('');
    process.stderr.write(`1/4 ${CUSTOMERS} customers and ${LINES} open items (POST /invoices/import)...\n`);
    const customers = Array.from({ length: CUSTOMERS }, (_, i) => `bench-${prefix.toLowerCase()}-${i}`);
    for (const customerId of customers) {
      const r = await api.registerCustomer(customerId, { name: `Bench Customer ${customerId}`, email: `${customerId}@example.com`, currency: 'EUR', creditLimit: '100000000.00', paymentTermsDays: 30 });
      if (r.status !== 201) throw new Error(`PUT customer answered ${r.status}`);
    }
    const items = openItems(prefix, LINES, customers);
    await importInPieces(api, items);

    const file = camt054For(prefix, items, CUSTOMERS);
    const bytes = Buffer.byteLength(file);
    process.stderr.write(`2/4 ${LINES} lines (${(bytes / 1024).toFixed(0)} KiB) through a presigned S3 URL, then POST /remittances {"uploadId"}...\n`);
    const t0 = performance.now();
    const issued = await api.post<{ uploadId: string; url: string; headers: Record<string, string> }>('/remittances/uploads', { contentLength: bytes }, 'finance');
    if (issued.status !== 201) throw new Error(`POST /remittances/uploads answered ${issued.status}: ${JSON.stringify(issued.body)}`);
    const put = await fetch(issued.body.url, { method: 'PUT', headers: issued.body.headers, body: file });
    if (put.status !== 200) throw new Error(`the PUT to S3 answered ${put.status}: ${await put.text()}`);
    const putSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const usedBefore = usage?.snapshot();
    const cpuBefore = cpuNow(dynamodbPid);
    if (usage) profile.start();
    const postKey = randomUUID();
    const accepted = await steady('POST /remittances', () => api.post<Statement>('/remittances', { uploadId: issued.body.uploadId }, 'finance', { 'Idempotency-Key': postKey }));
    const acceptSeconds = (performance.now() - t1) / 1000;
    if (accepted.status !== 202) throw new Error(`POST /remittances answered ${accepted.status}: ${JSON.stringify(accepted.body).slice(0, 500)}`);
    // Polled every 250 ms (the integration test polls every 500 ms): the figure overshoots the completion by that at most.
    const first = await poll<Statement>(api, `/remittances/${accepted.body.statementId}`, 1_800_000, 250);
    if (first.response.body.status !== 'completed') throw new Error(`the statement ended ${JSON.stringify(first.response.body).slice(0, 500)}`);
    const processSeconds = (performance.now() - t1) / 1000;
    const cpuAfter = cpuNow(dynamodbPid);
    const usedAfter = usage?.snapshot();
    const profiled = usage ? profile.report(LINES) : '';
    const perLine = (key: 'dynamodbRequests' | 'readUnits' | 'writeUnits' | 'lambdaInvocations') => (usedBefore && usedAfter ? ((usedAfter[key] - usedBefore[key]) / LINES).toFixed(2) : 'n/a');

    // The figures of the upload at once: a failure in the steps after it does not lose them.
    process.stdout.write(
      [
        `lines: ${LINES} credit lines over ${CUSTOMERS} customers (load average ${loadBefore} before, ${load()} after; ${cpus().length} CPUs)`,
        `upload URL and PUT to S3: ${putSeconds.toFixed(1)} s; POST /remittances {"uploadId"} answered 202 in ${acceptSeconds.toFixed(2)} s`,
        `processed: ${processSeconds.toFixed(1)} s after the POST, ${(processSeconds - acceptSeconds).toFixed(1)} s after the 202 (${(LINES / processSeconds).toFixed(1)} lines/s), counts ${JSON.stringify(first.response.body.counts)}`,
        `CPU meanwhile: ${(cpuAfter.node - cpuBefore.node).toFixed(1)} s in this process (API, state machines, every Lambda)${cpuAfter.java !== undefined && cpuBefore.java !== undefined ? `, ${(cpuAfter.java - cpuBefore.java).toFixed(1)} s in DynamoDB Local (of which ${javaSecondsBetween(cpuBefore.javaThreads, cpuAfter.javaThreads, 'jit').toFixed(1)} s compiling its Java code, ${javaSecondsBetween(cpuBefore.javaThreads, cpuAfter.javaThreads, 'gc').toFixed(1)} s collecting garbage)` : ''}, over ${processSeconds.toFixed(1)} s on ${cpus().length} CPUs`,
        `progress seen meanwhile: ${first.seen.join(', ')}`,
        `per line (the local stack's usage meter, polling included): ${perLine('dynamodbRequests')} DynamoDB calls, ${perLine('readUnits')} RRU, ${perLine('writeUnits')} WRU; ${perLine('lambdaInvocations')} Lambda invocations`,
        ...(profiled ? [`where the time went (calls made in this process from the POST until completed, summed over concurrent calls):\n${profiled}`] : []),
      ].join('\n') + '\n',
    );

    // A file over the 4 MiB a request body may have (10,000 lines are about 6 MiB) goes again through an upload URL.
    const asBody = bytes <= BODY_LIMIT_BYTES;
    process.stderr.write(`3/4 the same file again, ${asBody ? 'as the request body' : 'through another upload URL (over the body limit)'}...\n`);
    const t2 = performance.now();
    let againAccepted: { status: number };
    if (asBody) {
      const againKey = randomUUID();
      againAccepted = await steady('POST /remittances (again)', async () => {
        const r = await fetch(`${api.baseUrl}/remittances`, { method: 'POST', headers: { 'x-api-key': 'local-finance-key', 'content-type': 'application/xml', 'idempotency-key': againKey }, body: file });
        return { status: r.status, body: await r.text() };
      });
    } else {
      const reissued = await api.post<{ uploadId: string; url: string; headers: Record<string, string> }>('/remittances/uploads', { contentLength: bytes }, 'finance');
      const reput = await fetch(reissued.body.url, { method: 'PUT', headers: reissued.body.headers, body: file });
      if (reput.status !== 200) throw new Error(`the second PUT to S3 answered ${reput.status}`);
      const againKey = randomUUID();
      againAccepted = await steady('POST /remittances (again)', () => api.post('/remittances', { uploadId: reissued.body.uploadId }, 'finance', { 'Idempotency-Key': againKey }));
    }
    if (againAccepted.status !== 202) throw new Error(`POST /remittances (again) answered ${againAccepted.status}`);
    const again = await poll<Statement>(api, `/remittances/${accepted.body.statementId}`, 1_800_000, 250);
    const againSeconds = (performance.now() - t2) / 1000;
    process.stderr.write('4/4 ledger check...\n');
    const check = await steady('GET /reports/ledger-check', () => api.get<{ balanced: boolean; problems: string[] }>('/reports/ledger-check'));

    process.stdout.write(
      [
        `same file again (${asBody ? 'body' : 'upload URL'}): ${againSeconds.toFixed(1)} s until completed, ${JSON.stringify(again.response.body.lastUpload)}`,
        `ledger check: balanced=${check.body.balanced} ${check.body.problems.join('; ')}`,
      ].join('\n') + '\n\n',
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
