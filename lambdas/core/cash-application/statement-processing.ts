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
import type { HandedInFiles, ProcessingStarter, StatementStore } from '../ports';
import type { Clock } from '../time/clock';
import { MAX_UPLOAD_BYTES, uploadIdOf, uploadedFile } from '../uploads/uploads';
import { statementIdFor } from './application';
import { creditEntries, DEFAULT_CHUNK_SIZE, knownStatement, parseStatementUpload, saveFinalProgress, statementHeader, StatementRun, type RemittanceDeps, type UploadOptions } from './remittances';
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
export async function readStatement(deps: StatementStepDeps & { readonly statements: StatementStore; readonly clock: Clock }, job: StatementJob): Promise<{ readable: boolean; total: number }> {
  const content = await fileOf(deps, job);
  try {
    const file = parseStatementUpload(content);
    const header = statementHeader(file, content);
    await deps.statements.describe(job.statementId, header);
    return { readable: true, total: header.total };
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
    return { readable: false, total: 0 };
  }
}

/**
 * State ApplyLines: applies the credit lines from where the statement's progress stands, chunk by
 * chunk, saving the progress after each, until every line is handled (`done`, the statement
 * `completed`) or the function's time nears its end (`done: false`: the state machine calls again).
 * A retry after a crash continues from the progress saved; lines the crashed attempt applied after
 * its last save are found by their identity and not applied again.
 */
export async function applyStatementLines(deps: RemittanceDeps & StatementStepDeps, job: StatementJob, options: UploadOptions = {}): Promise<{ done: boolean; processed: number; total: number; applied: number }> {
  const statement = await deps.statements.get(job.statementId);
  if (!statement) throw new Error(`Statement ${job.statementId} does not exist`);
  // A later upload of the same file took over (this run's execution had ended without finishing): it goes on.
  if (statement.uploads !== job.run || statement.status === 'completed') return { done: true, processed: statement.processed, total: statement.total, applied: 0 };
  const file = parseStatementUpload(await fileOf(deps, job));
  const entries = creditEntries(file);
  const run = new StatementRun(deps, job.statementId, options, {
    recovering: statement.recovering === true || statement.processed > 0,
    saved: statement,
    runStartedAt: statement.lastUploadAt,
  });
  const size = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  for (let from = statement.processed; from < entries.length; from += size) {
    if (from > statement.processed && options.timeLeftMs && options.timeLeftMs() < (options.reserveMs ?? 30_000)) break;
    await run.chunk(entries.slice(from, from + size));
    if (from + size < entries.length) await deps.statements.progress(job.statementId, run.progress('processing'));
  }
  const done = run.handled >= entries.length;
  if (done) {
    // Returned direct debits on the statement (debit lines with a return reason) go the way of POST /collections/returns, each once.
    const returns = deps.directDebits ? await deps.directDebits.recordReturns(file) : [];
    await saveFinalProgress(deps, statement, { ...run.progress('completed'), ...(returns.length > 0 ? { returns } : {}) });
  }
  return { done, processed: run.handled, total: entries.length, applied: run.appliedNow() };
}
