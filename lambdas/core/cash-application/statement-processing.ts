/**
 * Bank statements processed asynchronously: `POST /remittances` takes the file (the request body,
 * or `{"uploadId"}` of a file PUT to S3 through a presigned URL), keeps it in the Uploads bucket,
 * marks the statement `processing` and starts its `StatementProcessing` execution, and answers 202
 * at once with the statement id and where to poll (`GET /remittances/{statementId}`). The
 * execution reads the file ({@link readStatement}) and applies its credit lines chunk by chunk
 * ({@link applyStatementLines}), saving the progress on the statement after each chunk, until every
 * line is handled (`completed`).
 *
 * Once, and resumable: each line is applied by the posting writer in one transaction with its
 * identity item (StatementLines), so the same file twice, a retried step or two executions racing
 * apply nothing twice. A step that stops part way (a crash, a time-out, a throttled table) is retried
 * by the state machine and continues from the progress saved; one that keeps failing waits on
 * finance's attention worklist (`POST /remittances/{statementId}/retry`) and then continues.
 */
import { uploadPrefixes } from '../../../lib/definitions/buckets';
import { ValidationError } from '../errors';
import type { HandedInFiles, OpenItemReader, PostingWriter, ProcessingStarter, StatementStore } from '../ports';
import type { Posting } from '../posting/posting';
import { importedInvoiceId } from '../invoices/import';
import { numberKeyedByImport } from './keyed-lookups';
import type { Invoice } from '../invoices/invoice';
import type { AdviceSource, StoredAdvice } from './advice-intake';
import type { Clock } from '../time/clock';
import { MAX_UPLOAD_BYTES, uploadIdOf, uploadedFile } from '../uploads/uploads';
import { statementIdFor } from './application';
import { allLineResults, creditEntries, knownStatement, parseStatementUpload, statementHeader, StatementRun, type RemittanceDeps, type UploadOptions } from './remittances';
import { statementProcessed } from '../events/events';
import type { ParsedStatementFile } from '../bank-statements/read-statement-file';
import { NO_LINES, statementView, type StatementHeader, type StatementRecord } from './statement-record';

export interface AcceptStatementDeps {
  readonly statements: StatementStore;
  readonly files: HandedInFiles;
  readonly processing: ProcessingStarter;
  readonly clock: Clock;
}

/** What POST /remittances received: the file itself, or the id of a file PUT to S3. */
export type StatementSubmission = { readonly kind: 'body'; readonly content: string } | { readonly kind: 'upload'; readonly body: unknown };

/** The input of a `StatementProcessing` execution. */
export interface StatementJob {
  readonly statementId: string;
  /** The file in the Uploads bucket. */
  readonly objectKey: string;
  /** The upload this execution processes (the statement's `uploads` when it began). */
  readonly run: number;
}

/** A part of the credit lines, `from` (first) to `to` (after the last), applied by one branch of the state machine's Map. */
export interface LineSlice {
  readonly from: number;
  readonly to: number;
}

/** One step of ApplyLines: a job, and the slice of lines it applies (absent: every line, from the progress saved). */
export type StatementSliceJob = StatementJob & Partial<LineSlice>;

/**
 * Lines loaded, matched, written and counted together in the asynchronous processing (one progress
 * update each, so the progress moves every 100 lines). Which invoices of a customer are open and
 * the waiting advices are read once per step, not per chunk (see `applyStatementLines`).
 */
export const STATEMENT_CHUNK_SIZE = 100;
/**
 * Slices a statement is cut into at most: the state machine applies them in parallel (its Map's
 * `MaxConcurrency`); each branch reads the file and its customers' open items once, so a slice is
 * at least {@link MIN_SLICE_LINES} lines (more slices would cost those reads again, not speed).
 */
export const MAX_SLICES = 4;
/**
 * The fewest lines of a slice: below that a statement is one slice, whose step applies
 * {@link CHUNKS_AT_ONCE} chunks at the same time over one reading of the file, the customers' open
 * items and the waiting advices (four slices of 250 lines read every customer four times). Measured
 * on the local stack (`npm run bench:remittances`, 10,000 lines over 100 customers): one slice
 * 117 s, two slices of 5,000 lines 130 s, the second slice reading the same 10,000 open items again.
 */
export const MIN_SLICE_LINES = 10_000;
/** Chunks of one step applied at the same time (their lines meet at the invoices' conditional writes, as the slices' do). */
export const CHUNKS_AT_ONCE = 4;

/**
 * The slices of a statement's `total` credit lines: whole chunks, as even as they come, at most
 * {@link MAX_SLICES} and each at least {@link MIN_SLICE_LINES} lines (but the last); one empty slice
 * for a statement without credit lines (it completes the statement).
 */
export function slicesOf(total: number, chunkSize = STATEMENT_CHUNK_SIZE, minSliceLines = MIN_SLICE_LINES): LineSlice[] {
  if (total <= 0) return [{ from: 0, to: 0 }];
  const chunks = Math.ceil(total / chunkSize);
  const count = Math.max(1, Math.min(MAX_SLICES, Math.floor(total / Math.max(1, minSliceLines))));
  const perSlice = Math.ceil(chunks / count) * chunkSize;
  const slices: LineSlice[] = [];
  for (let from = 0; from < total; from += perSlice) slices.push({ from, to: Math.min(total, from + perSlice) });
  return slices;
}

/** The name of the execution processing the `run`-th upload of a statement. */
export const executionNameOf = (statementId: string, run: number): string => `${statementId}-${run}`;

/**
 * POST /remittances: keeps the file, marks the statement `processing` and starts its execution (or,
 * when an upload of the same file is being processed, points at that one). Returns the statement as
 * it is now and whether a new run began.
 *
 * The file is read at once (the statement's id comes from the file's identity; a body is 4 MiB at
 * most, an uploaded file 25 MiB), so a file that is not a bank statement is refused with the place
 * of the problem before anything is written. The file is kept under the hash of its bytes, where the
 * execution reads it.
 *
 * @throws ValidationError naming `(body)` (the body cannot be read) or `uploadId` (nothing uploaded, or not a statement).
 */
export async function acceptStatement(deps: AcceptStatementDeps, submission: StatementSubmission) {
  let content: string;
  let file: ParsedStatementFile;
  if (submission.kind === 'body') {
    content = submission.content;
    file = parseStatementUpload(content);
  } else {
    const uploadId = uploadIdOf(submission.body, 'statement');
    content = await uploadedFile(deps.files, 'statement', uploadId);
    try {
      file = parseStatementUpload(content);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw new ValidationError(error.problems.map((p) => ({ ...p, field: 'uploadId', problem: `names a file that is not a bank statement this product reads: ${p.problem}` })));
    }
  }
  const header = statementHeader(file, content);
  const { statementId, previous } = await knownStatement(deps, file, content);
  // Kept under the hash of its bytes: what the execution reads cannot change under it (an upload URL
  // may be used again while it is valid; a re-export of the same statement has other bytes).
  const objectKey = `${uploadPrefixes.statementsReceived}${statementIdFor(content)}`;
  await deps.files.put(objectKey, content, 'text/plain; charset=utf-8');
  const at = deps.clock.now().toISOString();
  const record = (): StatementRecord => ({
    statementId,
    ...header,
    receivedAt: at,
    lastUploadAt: at,
    uploads: 1,
    status: 'processing',
    processed: 0,
    counts: NO_LINES,
    lastUpload: { newlyRecorded: 0, alreadyRecorded: 0 },
    error: null,
    at,
    objectKey,
    recovering: previous !== undefined && previous.status !== 'completed',
  });
  let begun = await deps.statements.begin(record(), { unlessProcessing: true });
  let started = !begun.alreadyProcessing;
  const job = (statement: StatementRecord): StatementJob => ({ statementId, objectKey: statement.objectKey ?? objectKey, run: statement.uploads });
  let outcome = await deps.processing.start(executionNameOf(statementId, begun.statement.uploads), { ...job(begun.statement) });
  if (outcome === 'exists' && begun.alreadyProcessing) {
    // The statement says processing, but its execution ended without finishing it: a new run.
    begun = await deps.statements.begin(record());
    started = true;
    outcome = await deps.processing.start(executionNameOf(statementId, begun.statement.uploads), { ...job(begun.statement) });
  }
  return { started, seenBefore: previous !== undefined, statement: begun.statement, location: `/remittances/${statementId}` };
}

/** The answer of POST /remittances (202): the statement as it is, and where to follow it. */
export function acceptedView(accepted: Awaited<ReturnType<typeof acceptStatement>>) {
  return {
    ...statementView(accepted.statement),
    seenBefore: accepted.seenBefore,
    poll: `GET ${accepted.location}`,
    ...(accepted.started ? {} : { note: 'an upload of the same file is being processed: follow that one' }),
  };
}

export interface StatementStepDeps {
  readonly files: HandedInFiles;
}

/** Reads the job's file. @throws Error when it is gone (expired): the step fails into finance's worklist. */
async function fileOf(deps: StatementStepDeps, job: StatementJob): Promise<string> {
  const content = await deps.files.read(job.objectKey, MAX_UPLOAD_BYTES.statement);
  if (content === undefined) throw new Error(`The file of statement ${job.statementId} (${job.objectKey}) is no longer stored; upload it again`);
  return content;
}

/**
 * State ReadStatement: reads the file and notes what it is on the statement (format, accounts,
 * credit lines to apply). A file that is not a bank statement is rejected: the statement is
 * `failed` with the problem and its place, and nothing is applied.
 */
export async function readStatement(deps: StatementStepDeps & { readonly statements: StatementStore; readonly clock: Clock }, job: StatementJob): Promise<{ readable: boolean; total: number; slices: LineSlice[] }> {
  const content = await fileOf(deps, job);
  try {
    const file = parseStatementUpload(content);
    const header = statementHeader(file, content);
    await deps.statements.describe(job.statementId, header);
    return { readable: true, total: header.total, slices: slicesOf(header.total) };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const problem = error.problems[0] as { problem: string; location?: Record<string, unknown> } | undefined;
    const where = problem?.location ? ` (at ${Object.entries(problem.location).map(([k, v]) => `${k} ${String(v)}`).join(', ')})` : '';
    await deps.statements.progress(job.statementId, {
      status: 'failed',
      processed: 0,
      counts: NO_LINES,
      lastUpload: { newlyRecorded: 0, alreadyRecorded: 0 },
      error: `the file cannot be read as a bank statement: ${problem?.problem ?? error.message}${where}`,
      at: deps.clock.now().toISOString(),
    });
    return { readable: false, total: 0, slices: [] };
  }
}

/**
 * The open items of one step of ApplyLines, read once and then kept current by the step itself:
 * which invoices of a customer are open is queried in the index once per step (one query per
 * customer, shared by the chunks running at the same time; the invoices then read by key,
 * consistently), and after that each invoice is known as last read or as this step last wrote it
 * (`postings` below notes every invoice a posting of the step wrote). The chunks that follow read
 * nothing again for those customers, nor the invoices they quote by a number only an import can
 * carry (read by key, `keyed-lookups.ts`) when the step knows them: an invoice this step settled is no longer offered, one it paid
 * in part is offered with its new balance. An invoice another writer changed meanwhile (another
 * slice, a payment through the API) is caught where it matters, at the invoice's conditional write
 * (balance, status and version as read): the pack or line is refused, and the step reads that
 * invoice again by key before matching those lines again. Only an invoice of that customer that
 * became open after the step's first query (issued or reopened during the step, which lasts minutes
 * at most) is not offered to this step's later chunks, as if the line had come a little earlier.
 */
export function stepOpenItems(reader: OpenItemReader, writer: PostingWriter, invoiceNumberPrefix?: string): { openItems: OpenItemReader; postings: PostingWriter } {
  /** Per customer whose query answered: the ids of its invoices open when last read or written. */
  const openOf = new Map<string, Set<string>>();
  /** Per customer whose query is under way: its open invoices, as that query answers. */
  const querying = new Map<string, Promise<Invoice[]>>();
  /** Invoices as this step last read them by key or wrote them. */
  const current = new Map<string, Invoice>();
  /** Invoices a refused write named: read again by key before they are offered again. */
  const stale = new Set<string>();
  const keep = (invoices: readonly Invoice[]) => {
    for (const invoice of invoices) {
      current.set(invoice.invoiceId, invoice);
      stale.delete(invoice.invoiceId);
    }
  };
  const query = (customerIds: readonly string[]) => {
    const answer = reader.openInvoicesOfCustomers(customerIds);
    for (const c of customerIds) {
      const ofCustomer = answer.then((invoices) => invoices.filter((invoice) => invoice.customerId === c));
      ofCustomer.catch(() => undefined);
      querying.set(c, ofCustomer);
    }
    return answer.then(
      (invoices) => {
        for (const c of customerIds) {
          openOf.set(c, new Set());
          querying.delete(c);
        }
        for (const invoice of invoices) {
          openOf.get(invoice.customerId)?.add(invoice.invoiceId);
          if (!current.has(invoice.invoiceId)) current.set(invoice.invoiceId, invoice);
        }
        return invoices;
      },
      (error: unknown) => {
        // Not answered: the next chunk asking queries again.
        for (const c of customerIds) querying.delete(c);
        throw error;
      },
    );
  };
  const written = (postings: readonly Posting[]) => keep(postings.flatMap((p) => p.invoices.map((change) => change.after)));
  const refused = (postings: readonly Posting[]) => {
    for (const change of postings.flatMap((p) => p.invoices)) stale.add(change.after.invoiceId);
  };
  const openItems: OpenItemReader = {
    invoicesByRfReference: (references) => reader.invoicesByRfReference(references),
    // A number only an import can carry names its invoice by key (`keyed-lookups.ts`): one the step
    // knows (read or written by it, not refused since) is taken as known; the rest is read.
    invoicesByNumber: async (numbers) => {
      const known: Invoice[] = [];
      const rest: string[] = [];
      for (const number of new Set(numbers)) {
        const id = invoiceNumberPrefix !== undefined && numberKeyedByImport(number, invoiceNumberPrefix) ? importedInvoiceId(number) : undefined;
        const invoice = id !== undefined && !stale.has(id) ? current.get(id) : undefined;
        if (invoice && invoice.number === number) known.push(invoice);
        else rest.push(number);
      }
      return [...known, ...(rest.length > 0 ? await reader.invoicesByNumber(rest) : [])];
    },
    invoicesById: (ids) => reader.invoicesById(ids),
    knownPayers: (accounts, names) => reader.knownPayers(accounts, names),
    openInvoicesOfCustomers: async (customerIds) => {
      const unique = [...new Set(customerIds)];
      const known = unique.filter((c) => openOf.has(c));
      const waiting = unique.filter((c) => !openOf.has(c) && querying.has(c));
      const fresh = unique.filter((c) => !openOf.has(c) && !querying.has(c));
      const again = known.flatMap((c) => [...openOf.get(c)!]).filter((id) => stale.has(id) || !current.has(id));
      const [queried, awaited, reread] = await Promise.all([
        fresh.length > 0 ? query(fresh) : Promise.resolve([]),
        Promise.all(waiting.map((c) => querying.get(c)!)),
        again.length > 0 ? reader.invoicesById(again) : Promise.resolve([]),
      ]);
      keep(reread);
      const stillOpen: Invoice[] = [];
      for (const c of known) {
        const ids = openOf.get(c)!;
        for (const id of [...ids]) {
          const invoice = current.get(id);
          if (invoice && invoice.balanceMinor > 0 && invoice.customerId === c) stillOpen.push(invoice);
          // Settled (or gone, or no longer this customer's): not offered to the chunks that follow.
          else ids.delete(id);
        }
      }
      return [...queried, ...awaited.flat(), ...stillOpen];
    },
  };
  const postings: PostingWriter = {
    post: async (posting) => {
      try {
        await writer.post(posting);
      } catch (error) {
        refused([posting]);
        throw error;
      }
      written([posting]);
    },
    postTogether: async (list) => {
      let ok = false;
      try {
        ok = await writer.postTogether(list);
      } finally {
        if (ok) written(list);
        else refused(list);
      }
      return ok;
    },
  };
  return { openItems, postings };
}

/**
 * The advices waiting, read once (at the first chunk that needs them) for the chunks that follow:
 * an advice a chunk uses (or finds used by someone else) is no longer offered to the next chunks.
 * Marking one used stays the conditional write it is (each advice used once, whoever comes first).
 */
export function waitingOnce(source: AdviceSource): AdviceSource {
  let read: Promise<StoredAdvice[]> | undefined;
  const gone = new Set<string>();
  return {
    waiting: async () => {
      read ??= source.waiting();
      try {
        return (await read).filter((advice) => !gone.has(advice.adviceId));
      } catch (error) {
        read = undefined;
        throw error;
      }
    },
    markUsed: async (adviceId, use) => {
      const marked = await source.markUsed(adviceId, use);
      gone.add(adviceId);
      return marked;
    },
  };
}

/**
 * A step of state ApplyLines: applies the credit lines of its slice (all lines when the job names
 * none), chunk by chunk, {@link CHUNKS_AT_ONCE} chunks at the same time (`options.chunksAtOnce`).
 * Each chunk is matched, written (lines in few transactions) and then counted in the statement's
 * progress once (`chunkApplied`, by the chunk's first line), so chunks and slices run in parallel
 * (lines of two chunks paying one invoice meet at its conditional write: the refused one reads it
 * again, see {@link stepOpenItems}) and a retried step skips the chunks counted before; lines a crashed attempt
 * applied after its last count are found by their identity and not applied again. The step that
 * counts the last line marks the statement `completed`. Stops between chunks when the function's
 * time nears its end (`done: false`: the state machine calls again).
 */
export async function applyStatementLines(given: RemittanceDeps & StatementStepDeps, job: StatementSliceJob, options: UploadOptions = {}): Promise<{ done: boolean; processed: number; total: number; applied: number }> {
  // Read once for all the chunks of this step, not once per chunk: which invoices of a customer are open (then kept as the step writes them), and the waiting advices.
  const deps = { ...given, ...stepOpenItems(given.openItems, given.postings, given.settings.invoiceNumberPrefix), ...(given.advices ? { advices: waitingOnce(given.advices) } : {}) };
  const statement = await deps.statements.get(job.statementId);
  if (!statement) throw new Error(`Statement ${job.statementId} does not exist`);
  // A later upload of the same file took over (this run's execution had ended without finishing): it goes on.
  if (statement.uploads !== job.run || statement.status === 'completed') return { done: true, processed: statement.processed, total: statement.total, applied: 0 };
  const file = parseStatementUpload(await fileOf(deps, job));
  const entries = creditEntries(file);
  const size = Math.max(1, options.chunkSize ?? STATEMENT_CHUNK_SIZE);
  // Without a slice (an execution of the machine before slices): the lines after those counted, in order.
  const from = job.from ?? statement.processed;
  const to = Math.min(job.to ?? entries.length, entries.length);
  const counted = new Set(statement.chunksDone ?? []);
  const starts: number[] = [];
  for (let start = from; start < to; start += size) if (!counted.has(String(start))) starts.push(start);
  const recovering = statement.recovering === true || starts.length < Math.ceil(Math.max(0, to - from) / size);
  let latest = statement;
  let applied = 0;
  let stopped = false;
  let begun = 0;
  // The longest chunk so far: the next one starts only while twice that (and the reserve) is left.
  let longestMs = 0;
  const applyChunk = async (start: number) => {
    const chunkStarted = options.timeLeftMs?.();
    const chunk = entries.slice(start, Math.min(start + size, to));
    const run = new StatementRun(deps, job.statementId, options, { recovering, runStartedAt: statement.lastUploadAt, uploadedBefore: statement.uploads > 1 });
    await run.chunk(chunk);
    applied += run.appliedNow();
    const { counts, lastUpload, at } = run.progress('processing');
    const outcome = await deps.statements.chunkApplied(job.statementId, job.run, { id: String(start), lines: chunk.length, counts, lastUpload, at });
    if (outcome.statement && outcome.statement.processed >= latest.processed) latest = outcome.statement;
    if (chunkStarted !== undefined) longestMs = Math.max(longestMs, chunkStarted - options.timeLeftMs!());
  };
  // Up to CHUNKS_AT_ONCE chunks under way; the first always runs (each step makes progress), a later
  // one starts only while the time left allows it, else the step stops after those under way.
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && !stopped && begun < starts.length) {
      if (begun > 0 && options.timeLeftMs && options.timeLeftMs() < Math.max(options.reserveMs ?? 30_000, 2 * longestMs)) {
        stopped = true;
        break;
      }
      const start = starts[begun++]!;
      try {
        await applyChunk(start);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.chunksAtOnce ?? CHUNKS_AT_ONCE, starts.length) }, worker));
  if (failure) throw failure.error;
  if (!stopped && latest.processed >= entries.length) {
    // Every line counted: returned direct debits on the statement (debit lines with a return reason)
    // go the way of POST /collections/returns, each once; then the statement completes, with its
    // StatementProcessed event in the same conditional write (once, whichever slice counted last).
    const returns = deps.directDebits ? await deps.directDebits.recordReturns(file) : [];
    const at = deps.clock.now().toISOString();
    const event = statementProcessed({ ...latest, at }, await allLineResults(deps, job.statementId));
    await deps.statements.completeWhenAllCounted(job.statementId, job.run, at, { events: [event], ...(returns.length > 0 ? { returns } : {}) });
  }
  return { done: !stopped, processed: latest.processed, total: entries.length, applied };
}
