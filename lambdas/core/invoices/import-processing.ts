/**
 * Imports of open items processed asynchronously: `POST /invoices/import` takes the items (the JSON
 * array as the body, or `{"uploadId"}` of a JSON file PUT to S3 through a presigned URL), checks
 * their form at once (400 naming `items[i].field`, nothing written), keeps them in the Uploads
 * bucket, and starts the `InvoiceImport` execution, answering 202 with the import id and where to
 * poll (`GET /invoices/import/{importId}`). The execution's step ({@link importOpenItems}) runs the
 * all-or-nothing import of `import-invoices.ts`: the lookups (customers, numbers taken), the
 * reservations and the writes, continuing where an attempt stopped; a refusal of the lookups ends
 * the import `failed` with the problems, nothing written.
 */
import { uploadPrefixes } from '../../../lib/definitions/buckets';
import { ValidationError, type FieldProblem } from '../errors';
import type { HandedInFiles, ProcessingStarter } from '../ports';
import type { Clock } from '../time/clock';
import { MAX_UPLOAD_BYTES, uploadIdOf, uploadedFile } from '../uploads/uploads';
import { importIdFor, importRefusal, parseImport, type ImportResult } from './import';
import { importInvoices, ImportNotFinishedError, type ImportInvoicesDeps } from './import-invoices';

export type ImportStatus = 'processing' | 'completed' | 'failed';

/** An import as finance follows it (kept beside the import's own record). */
export interface ImportProgress {
  readonly importId: string;
  readonly status: ImportStatus;
  /** Items in the import. */
  readonly total: number;
  /** Invoices written so far (all of them once completed). */
  readonly processed: number;
  readonly receivedAt: string;
  readonly at: string;
  /** Imports of the same items so far; the n-th is processed by the execution `<importId>-<n>`. */
  readonly attempts: number;
  /** Where the items are kept (the Uploads bucket). */
  readonly objectKey: string;
  readonly result: ImportResult | null;
  /** Why the items were refused (`items[i].field`), when `failed`. */
  readonly problems: readonly FieldProblem[];
  readonly error: string | null;
  readonly attention?: { readonly machine: string; readonly state: string; readonly error: string; readonly message: string; readonly at: string };
}

export interface ImportProgressStore {
  /** Creates the progress, or starts another attempt (`attempts` + 1, processing); with `unlessProcessing`, leaves one being processed as it is. */
  begin(progress: ImportProgress, options?: { readonly unlessProcessing?: boolean }): Promise<{ progress: ImportProgress; alreadyProcessing: boolean }>;
  get(importId: string): Promise<ImportProgress | undefined>;
  update(importId: string, change: Partial<Pick<ImportProgress, 'status' | 'processed' | 'result' | 'problems' | 'error' | 'at'>>): Promise<void>;
}

export interface AcceptImportDeps {
  readonly progress: ImportProgressStore;
  readonly files: HandedInFiles;
  readonly processing: ProcessingStarter;
  readonly clock: Clock;
  readonly settings: ImportInvoicesDeps['settings'];
}

export type ImportSubmission = { readonly kind: 'body'; readonly body: unknown } | { readonly kind: 'upload'; readonly body: unknown };

/** The input of an `InvoiceImport` execution. */
export interface ImportJob {
  readonly importId: string;
  readonly objectKey: string;
}

export const importExecutionName = (importId: string, attempt: number): string => `${importId}-${attempt}`;

/**
 * POST /invoices/import: checks the items' form, keeps them and starts the import (or, when the same
 * items are being imported, points at that import).
 *
 * @throws ValidationError naming `items[i].field` (nothing written), `(body)` or `uploadId`.
 */
export async function acceptImport(deps: AcceptImportDeps, submission: ImportSubmission) {
  let items: unknown;
  let text: string | undefined;
  if (submission.kind === 'upload') {
    const uploadId = uploadIdOf(submission.body, 'import');
    text = await uploadedFile(deps.files, 'import', uploadId);
    try {
      items = JSON.parse(text);
    } catch {
      throw ValidationError.of('uploadId', 'names a file that is not JSON: upload the JSON array of open items');
    }
  } else {
    items = submission.body;
  }
  const { businessTimeZone, invoiceNumberPrefix } = deps.settings;
  const parsed = parseImport(items, { invoiceNumberPrefix, now: deps.clock.now(), businessTimeZone });
  if (parsed.problems.length > 0) throw importRefusal(parsed.problems);
  const importId = importIdFor(parsed.items);
  // Kept under the import's id (a hash of its items), where the execution reads it: an upload URL
  // may be used again while it is valid, the items the execution imports cannot change.
  const objectKey = `${uploadPrefixes.importsReceived}${importId}.json`;
  await deps.files.put(objectKey, text ?? JSON.stringify(items), 'application/json');
  const at = deps.clock.now().toISOString();
  const fresh = (): ImportProgress => ({
    importId,
    status: 'processing',
    total: parsed.count,
    processed: 0,
    receivedAt: at,
    at,
    attempts: 1,
    objectKey,
    result: null,
    problems: [],
    error: null,
  });
  let begun = await deps.progress.begin(fresh(), { unlessProcessing: true });
  const job = (p: ImportProgress): ImportJob => ({ importId, objectKey: p.objectKey });
  let outcome = await deps.processing.start(importExecutionName(importId, begun.progress.attempts), { ...job(begun.progress) });
  if (outcome === 'exists' && begun.alreadyProcessing) {
    // Says processing, but its execution ended without finishing: another attempt.
    begun = await deps.progress.begin(fresh());
    outcome = await deps.processing.start(importExecutionName(importId, begun.progress.attempts), { ...job(begun.progress) });
  }
  return { started: !begun.alreadyProcessing, progress: begun.progress, location: `/invoices/import/${importId}` };
}

/** An import as `GET /invoices/import/{importId}` and the 202 of `POST /invoices/import` show it. */
export function importView(progress: ImportProgress) {
  return {
    importId: progress.importId,
    // Waiting on finance's attention worklist: failed until finance retries it.
    status: progress.attention ? ('failed' as const) : progress.status,
    total: progress.total,
    processed: progress.processed,
    progress: `${progress.processed}/${progress.total}`,
    receivedAt: progress.receivedAt,
    at: progress.at,
    attempts: progress.attempts,
    ...(progress.result ? { imported: progress.result.imported, totals: progress.result.totals, invoices: progress.result.invoices } : {}),
    problems: progress.problems,
    error: progress.error,
    ...(progress.attention ? { attention: progress.attention } : {}),
  };
}

/** How often, at most, the progress of the writes is saved. */
const PROGRESS_EVERY_MS = 1_000;

export type ImportStepDeps = ImportInvoicesDeps & { readonly files: HandedInFiles; readonly progress: ImportProgressStore };

/**
 * State ImportOpenItems: the all-or-nothing import of the job's items, with its progress saved as
 * the invoices are written. `imported` (completed), `refused` (failed with the problems, nothing
 * written), or `unfinished` with the seconds to wait before the next attempt (this one's time ran
 * out, or an earlier attempt still holds the import).
 */
export async function importOpenItems(deps: ImportStepDeps, job: ImportJob): Promise<{ outcome: 'imported' | 'refused' | 'unfinished'; retryAfterSeconds: number }> {
  const text = await deps.files.read(job.objectKey, MAX_UPLOAD_BYTES.import);
  if (text === undefined) throw new Error(`The items of import ${job.importId} (${job.objectKey}) are no longer stored; send them again`);
  const items: unknown = JSON.parse(text);
  let written = 0;
  let savedAt = 0;
  let saving: Promise<void> = Promise.resolve();
  const onWritten = (count: number) => {
    written += count;
    const now = Date.now();
    if (now - savedAt < PROGRESS_EVERY_MS) return;
    savedAt = now;
    const processed = written;
    saving = saving.then(() => deps.progress.update(job.importId, { processed, at: deps.clock.now().toISOString() })).catch(() => undefined);
  };
  try {
    const { result } = await importInvoices(deps, items, { onWritten });
    await saving;
    await deps.progress.update(job.importId, { status: 'completed', processed: result.imported, result, problems: [], error: null, at: deps.clock.now().toISOString() });
    return { outcome: 'imported', retryAfterSeconds: 0 };
  } catch (error) {
    await saving;
    if (error instanceof ValidationError) {
      await deps.progress.update(job.importId, { status: 'failed', processed: 0, problems: error.problems, error: error.message, at: deps.clock.now().toISOString() });
      return { outcome: 'refused', retryAfterSeconds: 0 };
    }
    if (error instanceof ImportNotFinishedError) {
      await deps.progress.update(job.importId, { processed: written, at: deps.clock.now().toISOString() });
      return { outcome: 'unfinished', retryAfterSeconds: Math.max(1, error.retryAfterSeconds) };
    }
    throw error;
  }
}
