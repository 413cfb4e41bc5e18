/**
 * Bank statements uploaded by finance (`POST /remittances`): read the file, match every credit line
 * against the open items it can concern, and apply it, each line all-or-nothing and once, in chunks
 * with progress on the statement; `GET /remittances/{id}` reads the outcome.
 *
 * ## What is loaded per chunk of lines
 *
 * Only what the lines quote or name (see `cash-application/lookups.ts`): the invoices carrying the
 * RF references quoted, the invoices whose numbers are read from the text (loosely written numbers
 * turned into the printed form first), the customers the payer accounts and names are known for
 * (`Payers`), and those customers' open invoices (for amounts: exact balance, combined payments).
 * The cost grows with the statement and the customers it concerns, not with the invoice table. A
 * payment that quotes nothing from a payer nobody knows concerns no open item: it stays unapplied,
 * for finance's worklist, rather than being matched by amount across every invoice.
 *
 * Within a chunk, lines are grouped by what they concern (lines sharing an open item or a customer
 * fall in one group): each group is matched against its own items only and in file order. Groups
 * share no invoice and no customer, so the order of groups cannot change any line's reading. The
 * postings of many lines (of several groups, and consecutive lines of one group that touch no
 * invoice twice) are written as one transaction, a pack (`PostingWriter.postTogether`): one round
 * trip for up to 100 items instead of one per line. A refused pack wrote nothing; its groups are
 * then read again and written line by line.
 *
 * ## Once, and resumable
 *
 * Each line has an identity from its content, never from its place in the file
 * (`statementLineKeys`: account, day, direction, amount, payer, bank reference, references and text,
 * and which occurrence of that content on that account and day it is). Its payment, invoice
 * changes, journal and identity item are written together (in its own transaction or in a pack
 * with other lines, all or nothing either way), conditional on the identity not existing:
 * uploading the same statement again, a re-export of it, or another file carrying some of the same
 * lines (overlapping exports) applies nothing twice and reports those lines as recorded before
 * (`alreadyRecorded`). Lines recorded before content identity are stored under the earlier key
 * (`legacyStatementLineKey`): both keys are looked up, so they are recognised too.
 *
 * The statement itself is identified by what the bank wrote to identify the file (`fileIdentity`:
 * camt message and statement ids, MT940 references and balances, BAI2 file header), else by its
 * content (CSV): a statement seen before, even with other bytes, is the same statement
 * (`seenBefore`), and one recorded before statement identity under its content hash is found
 * under that id. Lines are processed in chunks; after each chunk the statement's `processed` count
 * is saved, so an upload that stops (failure, time budget) leaves every line applied or not, and
 * the same file uploaded again continues.
 */
import { readStatementFile, StatementParseError, type ParsedStatementFile } from '../bank-statements/read-statement-file';
import { statementProcessed } from '../events/events';
import { applyStatementLine, knownCustomersFrom, legacyStatementLineKey, openItemOf, statementIdFor, statementIdOf, statementLineKeys, type LineApplication, type LineResult } from './application';
import { postingItemCount, settledBy, TRANSACTION_LIMITS, type Posting } from '../posting/posting';
import { resumeSettledInvoices } from '../invoices/settlement';
import { forEachLimit } from '../kernel/concurrency';
import type { StatementLine } from '../bank-statements/statement';
import { statementLookups } from './lookups';
import { normalizeAccount } from './payer';
import { normalizeRfReference } from '../references/rf-creditor-reference';
import { CashApplication } from './matcher';
import type { AdviceSource, StoredAdvice } from './advice-intake';
import { adviceFitsLine } from './remittance-advice';
import { lineResultView, MAX_WARNINGS_KEPT, NO_LINES, statementView, type LineCounts, type StatementHeader, type StatementProgress, type StatementRecord, type StatementStatus } from './statement-record';
import type { CashApplicationPolicy, LineMatch } from './types';
import { NotFoundError, ValidationError, type FieldProblem } from '../errors';
import type { Invoice } from '../invoices/invoice';
import { ConcurrentUpdateError, LineAlreadyRecordedError, type InvoiceStore, type KnownPayers, type OpenItemReader, type PostingWriter, type StatementStore, type Workflow } from '../ports';
import type { Clock } from '../time/clock';
import type { CoreSettings } from '../deps';

export interface RemittanceDeps {
  readonly statements: StatementStore;
  readonly postings: PostingWriter;
  readonly openItems: OpenItemReader;
  readonly invoices: Pick<InvoiceStore, 'paymentTaskToken' | 'paymentTaskTokens'>;
  readonly workflow: Workflow;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly settings: Pick<CoreSettings, 'invoiceNumberPrefix'>;
  /** SEPA direct debits on the statement (`core/sepa/statement-direct-debits.ts`); absent: lines are read as they are and returns are not looked for. */
  readonly directDebits?: StatementDirectDebits;
  /** Remittance advices received through the API (`advice-intake.ts`): the waiting ones split the lines they fit. */
  readonly advices?: AdviceSource;
}

/** What the SEPA module adds to a bank statement: collections read with their files, and returned collections recorded. */
export interface StatementDirectDebits {
  /** The credit lines that carry collections, given the RF references of the invoices they pay (by line sequence); nothing written. */
  collectionCredits(lines: readonly StatementLine[]): Promise<ReadonlyMap<number, StatementLine>>;
  /** Records each returned collection the file reports (once, as `POST /collections/returns` does); one outcome each. */
  recordReturns(file: ParsedStatementFile): Promise<readonly StatementReturn[]>;
}

/** What happened to one returned direct debit of a statement. */
export interface StatementReturn {
  readonly endToEndId: string;
  readonly reasonCode: string;
  readonly outcome: 'returned' | 'already-recorded' | 'unknown-collection';
  readonly invoiceId: string | null;
}

export interface UploadOptions {
  /** Lines loaded, matched and applied together; progress is saved after each chunk. Default 50. */
  readonly chunkSize?: number;
  readonly policy?: Partial<CashApplicationPolicy>;
  /** Milliseconds this run may still take (the Lambda's remaining time); checked between chunks. */
  readonly timeLeftMs?: () => number;
  /** Stop starting chunks when less than this is left (default 30 s); the statement is then `incomplete`. */
  readonly reserveMs?: number;
  /** The asynchronous processing: chunks of one step applied at the same time (default `CHUNKS_AT_ONCE` of statement-processing.ts). */
  readonly chunksAtOnce?: number;
}

export const DEFAULT_CHUNK_SIZE = 50;
/** Conflicts with concurrent writers one chunk may meet (each followed by a fresh read) before giving up. */
const MAX_CONFLICTS = 10;
/**
 * The upload answer lists at most this many lines; `GET /remittances/{id}` pages through all. Kept
 * small enough for the answer to be stored for idempotent replay (a DynamoDB item is at most 400 KB).
 */
export const MAX_LINES_IN_ANSWER = 200;

export interface Entry {
  readonly line: StatementLine;
  readonly account: string | null;
  /** The line's identity (`statementLineKeys`): what its posting records, conditional on not existing. */
  readonly lineKey: string;
  /** Its identity under the earlier scheme (`legacyStatementLineKey`), only looked up. */
  readonly legacyKey: string;
}

interface Outcome {
  readonly result: LineResult;
  readonly alreadyRecorded: boolean;
}

/**
 * Reads a statement file (any format `readStatementFile` knows, detected from the content).
 *
 * @throws ValidationError naming the body and the place in the file when it cannot be read.
 */
export function parseStatementUpload(content: string): ParsedStatementFile {
  if (content.trim() === '') throw ValidationError.of('(body)', 'is empty: send the bank statement file as the request body');
  try {
    return readStatementFile(content);
  } catch (error) {
    if (error instanceof StatementParseError) {
      const problem = { field: '(body)', problem: error.message, location: error.location };
      throw new ValidationError([problem as FieldProblem]);
    }
    throw error;
  }
}

/**
 * Reads, matches and applies a bank statement (see the module comment for what is loaded, and how
 * lines are applied once). `complete` is false when the time budget ran out before the last line:
 * uploading the same file again continues. In the body, `seenBefore` is true when the statement
 * was received before (the same file, or a re-export with the same identity; then `created` is
 * false), each listed line says `alreadyRecorded` (recorded by an earlier upload, nothing applied
 * now) and `lastUpload` counts the lines new and known.
 *
 * @throws ValidationError (nothing written) when the file cannot be read.
 */
export async function uploadStatement(deps: RemittanceDeps, content: string, options: UploadOptions = {}) {
  const file = parseStatementUpload(content);
  const entries = creditEntries(file);
  const { statementId, previous } = await knownStatement(deps, file, content);
  const at = deps.clock.now().toISOString();
  const started = await deps.statements.begin({
    statementId,
    ...statementHeader(file, content),
    receivedAt: at,
    lastUploadAt: at,
    uploads: 1,
    status: 'processing',
    processed: 0,
    counts: NO_LINES,
    lastUpload: { newlyRecorded: 0, alreadyRecorded: 0 },
    error: null,
    at,
  });
  const run = new StatementRun(deps, started.statement.statementId, options, { recovering: previous !== undefined && previous.status !== 'completed', uploadedBefore: started.statement.uploads > 1 });
  let status: StatementStatus = 'completed';
  try {
    const size = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
    for (let from = 0; from < entries.length; from += size) {
      if (options.timeLeftMs && options.timeLeftMs() < (options.reserveMs ?? 30_000)) {
        status = 'incomplete';
        break;
      }
      await run.chunk(entries.slice(from, from + size));
      if (from + size < entries.length) await deps.statements.progress(statementId, run.progress('processing'));
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await deps.statements.progress(statementId, run.progress('failed', `stopped after ${run.processed} of ${entries.length} lines: ${message}`)).catch(() => undefined);
    throw error;
  }
  const ended = run.progress(status, status === 'incomplete' ? `the time for one upload ran out after ${run.processed} of ${entries.length} lines: upload the same file again to continue (with a new Idempotency-Key, if you send one)` : null);
  // Returned direct debits on the statement go the way of POST /collections/returns, each once (as in the asynchronous processing).
  const returns = status === 'completed' && deps.directDebits ? await deps.directDebits.recordReturns(file) : [];
  const progress: StatementProgress = { ...ended, ...(returns.length > 0 ? { returns } : {}) };
  await saveFinalProgress(deps, started.statement, progress);
  const statement: StatementRecord = { ...started.statement, ...progress };
  const outcomes = run.outcomes();
  return {
    created: started.created,
    complete: status === 'completed',
    body: {
      ...statementView(statement),
      seenBefore: !started.created,
      lines: outcomes.slice(0, MAX_LINES_IN_ANSWER).map((o) => lineResultView(o.result, { alreadyRecorded: o.alreadyRecorded })),
      ...(outcomes.length > MAX_LINES_IN_ANSWER ? { linesTruncated: true, moreLines: `GET /remittances/${statementId}?limit=1000 (then its cursor) lists every line` } : {}),
    },
  };
}

/**
 * Saves the progress an upload ends with; a `completed` one with its `StatementProcessed` event
 * (counts, and the amounts by outcome of every line the statement shows) in the same write.
 */
export async function saveFinalProgress(deps: Pick<RemittanceDeps, 'statements'>, statement: StatementRecord, progress: StatementProgress): Promise<void> {
  if (progress.status !== 'completed') return deps.statements.progress(statement.statementId, progress);
  await deps.statements.progress(statement.statementId, progress, [statementProcessed({ ...statement, ...progress }, await allLineResults(deps, statement.statementId))]);
}

/** Every line result the statement shows, page by page. */
export async function allLineResults(deps: Pick<RemittanceDeps, 'statements'>, statementId: string): Promise<LineResult[]> {
  const lines: LineResult[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.statements.lineResults(statementId, 500, cursor);
    lines.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return lines;
}

/** The longest file identity kept on the statement record (a file of thousands of MT940 statements has a long one). */
export const MAX_IDENTITY_SHOWN = 1000;

/**
 * The file identity as the statement record keeps it, for people: cut after
 * {@link MAX_IDENTITY_SHOWN} characters (the statement id is made of the whole identity), so the
 * record stays far below DynamoDB's item size whatever the file holds.
 */
function shownIdentity(identity: string | null): string | null {
  return identity === null || identity.length <= MAX_IDENTITY_SHOWN ? identity : `${identity.slice(0, MAX_IDENTITY_SHOWN - 1)}…`;
}

/**
 * The id of the statement a file is, and its record if it was received before: the id from the
 * file's identity (`statementIdOf`); when no statement has it and the file has an identity, a
 * statement recorded under the file's content hash (the id of every statement before statement
 * identity), so that one is continued rather than started again.
 */
export async function knownStatement(deps: Pick<RemittanceDeps, 'statements'>, file: ParsedStatementFile, content: string) {
  const statementId = statementIdOf(file, content);
  const previous = await deps.statements.get(statementId);
  if (previous) return { statementId, previous };
  const byContent = statementIdFor(content);
  if (byContent !== statementId) {
    const before = await deps.statements.get(byContent);
    if (before) return { statementId: byContent, previous: before };
  }
  return { statementId, previous: undefined };
}

/** The credit lines of a statement file in file order, each with its identity (and its identity under the earlier scheme). */
export function creditEntries(file: ParsedStatementFile): Entry[] {
  const keys = statementLineKeys(file.statements);
  return file.statements
    .flatMap((s) => s.lines.map((line) => ({ line, account: s.account })))
    .sort((a, b) => a.line.sequence - b.line.sequence)
    .filter((e) => e.line.direction === 'credit')
    .map((e) => ({ ...e, lineKey: keys.get(e.line.sequence)!, legacyKey: legacyStatementLineKey(e.line, e.account) }));
}

/** What the statement record says about its file. */
export function statementHeader(file: ParsedStatementFile, content: string): StatementHeader {
  return {
    identity: shownIdentity(file.fileIdentity),
    format: file.format,
    version: file.version,
    accounts: [...new Set(file.statements.map((s) => s.account).filter((a): a is string => a !== null))],
    sizeBytes: Buffer.byteLength(content, 'utf8'),
    total: creditEntries(file).length,
    debitLines: file.statements.reduce((n, s) => n + s.lines.filter((l) => l.direction === 'debit').length, 0),
    warnings: file.warnings.slice(0, MAX_WARNINGS_KEPT).map((warning) => ({ code: warning.code, message: warning.message.slice(0, 500) })),
    warningCount: file.warnings.length,
  };
}

/** Where a run starts: what earlier invocations of the same run saved (the statement's progress). */
export interface RunStart {
  /** An earlier upload (or invocation) of this statement did not finish: its executions may not all be resumed. */
  readonly recovering: boolean;
  /** Lines handled by earlier invocations of this run, with their counts. */
  readonly saved?: Pick<StatementProgress, 'processed' | 'counts' | 'lastUpload'>;
  /** When this run began: a line this statement recorded since then was recorded by this run. */
  readonly runStartedAt?: string;
  /** An earlier upload of this statement recorded lines: a line read differently since may be one of them (`StatementRun.chunk`). */
  readonly uploadedBefore?: boolean;
}

/** Whether the outcome recorded at a line's place of its statement is for that line: the same account, amount, currency and day. */
function samePlacedLine(result: LineResult, entry: Entry): boolean {
  const day = (r: { readonly bookingDate: string | null; readonly valueDate: string | null }) => r.bookingDate ?? r.valueDate;
  return (
    result.amountMinor === entry.line.amountMinor &&
    result.currency === entry.line.currency &&
    day(result) === day(entry.line) &&
    (result.account === null ? null : normalizeAccount(result.account)) === (entry.account === null ? null : normalizeAccount(entry.account))
  );
}

/** One upload's processing of a statement: loads, matches and applies chunk by chunk. */
export class StatementRun {
  private readonly results = new Map<number, Outcome>();
  /** Lines handled by this invocation. */
  processed = 0;
  private readonly recovering: boolean;
  /** The advices waiting when the chunk under way began. */
  private waitingAdvices: readonly StoredAdvice[] = [];

  constructor(
    private readonly deps: RemittanceDeps,
    private readonly statementId: string,
    private readonly options: UploadOptions,
    private readonly start: RunStart,
  ) {
    this.recovering = start.recovering;
  }

  /** Lines handled by the run so far, earlier invocations included. */
  get handled(): number {
    return (this.start.saved?.processed ?? 0) + this.processed;
  }

  /** Lines this invocation applied by itself (not found recorded before). */
  appliedNow(): number {
    return [...this.results.values()].filter((o) => o.result.status === 'applied' && !o.alreadyRecorded).length;
  }

  outcomes(): Outcome[] {
    return [...this.results.values()].sort((a, b) => a.result.sequence - b.result.sequence);
  }

  progress(status: StatementStatus, error: string | null = null): StatementProgress {
    const saved = this.start.saved;
    const counts: { -readonly [K in keyof LineCounts]: number } = { ...NO_LINES, ...saved?.counts };
    let alreadyRecorded = saved?.lastUpload.alreadyRecorded ?? 0;
    let newlyRecorded = saved?.lastUpload.newlyRecorded ?? 0;
    for (const { result, alreadyRecorded: before } of this.results.values()) {
      counts[result.status] += 1;
      if (before) alreadyRecorded += 1;
      else newlyRecorded += 1;
    }
    return {
      status,
      processed: this.handled,
      counts,
      lastUpload: { newlyRecorded, alreadyRecorded },
      error,
      at: this.deps.clock.now().toISOString(),
    };
  }

  async chunk(entries: readonly Entry[]): Promise<void> {
    // Both identities: the line may have been recorded before content identity, under the earlier key.
    const recorded = await this.deps.statements.recordedLines(entries.flatMap((e) => [e.lineKey, e.legacyKey]));
    const fresh: Entry[] = [];
    const earlier: LineResult[] = [];
    for (const entry of entries) {
      const result = recorded.get(entry.lineKey) ?? recorded.get(entry.legacyKey);
      if (result) earlier.push(await this.recordedBefore(entry, result));
      else fresh.push(entry);
    }
    // The same statement uploaded again after a reader changed (it reads a payer or a text it did
    // not, or decodes letters otherwise): the line's content, and so its key, differs from the one
    // recorded. The line the earlier upload recorded at the same place, with the same account,
    // amount, currency and day, is this line: known, and known under its new key from now on.
    if (fresh.length > 0 && this.start.uploadedBefore) {
      const placed = await this.deps.statements.resultsAt(this.statementId, fresh.map((e) => e.line.sequence));
      for (const entry of fresh.splice(0, fresh.length)) {
        const result = placed.get(entry.line.sequence);
        if (result && samePlacedLine(result, entry)) {
          await this.deps.statements.recordAlias(entry.lineKey, result);
          earlier.push(await this.recordedBefore(entry, result));
        } else fresh.push(entry);
      }
    }
    // A line this run applied in an invocation that then crashed may not have resumed the executions
    // of the invoices it settled; one an earlier upload that did not finish applied neither.
    const resumable = this.recovering ? earlier : earlier.filter((r) => this.results.get(r.sequence)?.alreadyRecorded === false);
    if (resumable.length > 0) await this.resumeSettled(resumable);
    await this.apply(fresh);
    this.processed += entries.length;
  }

  /**
   * A line recorded by an earlier upload: shown in this statement too (at its place and under its
   * line id in this file, with the outcome, payment and statement recorded then), nothing applied
   * again. Recorded by an earlier invocation of this same run (which stopped part way), it counts as
   * recorded by the run.
   */
  private async recordedBefore(entry: Entry, result: LineResult): Promise<LineResult> {
    const shown = { ...result, sequence: entry.line.sequence, lineId: entry.line.lineId };
    if (result.statementId !== this.statementId) await this.deps.statements.reportLine(this.statementId, shown);
    const byThisRun = result.statementId === this.statementId && this.start.runStartedAt !== undefined && result.recordedAt > this.start.runStartedAt;
    this.results.set(entry.line.sequence, { result: shown, alreadyRecorded: !byThisRun });
    await this.markAdvicesUsed([result]);
    return shown;
  }

  /**
   * Matches and applies the fresh lines of a chunk with as few round trips as correctness allows.
   * The open items and payers of the whole chunk are read at once; then the lines are grouped by
   * what they concern (lines sharing an open item or a customer fall in one group). Each group is
   * matched in file order by its own matcher, which keeps the running balances, so a group's next
   * line is read as if its previous one were written. The postings of many lines (of different
   * groups, and consecutive lines of one group) go in one transaction, a pack, as long as no item
   * is touched twice and the pack stays within a transaction's limits; a line that does not fit
   * waits for the next pack with the rest of its group. A refused pack wrote nothing (a line
   * recorded meanwhile, an invoice another writer changed): its groups go line by line
   * ({@link applyGroup}), read again, like a group whose matcher a downgraded line made stale.
   */
  private async apply(read: readonly Entry[]): Promise<void> {
    if (read.length === 0) return;
    this.waitingAdvices = this.deps.advices ? await this.deps.advices.waiting() : [];
    // Collections (a batch booking, a single collection) are read with their collection files: the line quotes the invoices it pays.
    const collections = this.deps.directDebits ? await this.deps.directDebits.collectionCredits(read.map((e) => e.line)) : new Map<number, StatementLine>();
    const entries = read.map((e) => (collections.has(e.line.sequence) ? { ...e, line: collections.get(e.line.sequence)! } : e));
    const concerns = await this.load(entries);
    const groups = groupsOf(entries, concerns).map((lines) => ({ lines, next: 0, prepared: undefined as Prepared | undefined, ...this.matcherFor(lines, concerns) }));
    const lineByLine: Entry[][] = [];
    // The invoices the packs settled: their waiting executions are resumed once for the chunk (one
    // batch read of their task tokens), not after every pack; a step that stops before finds them
    // again through the lines recorded by its run (`chunk`, `resumeSettled`).
    const settled: Invoice[] = [];
    let active = groups;
    while (active.length > 0) {
      const pack: { group: (typeof groups)[number]; first: number; prepared: Prepared[] }[] = [];
      const touched = new Set<string>();
      let items = 0;
      for (const group of active) {
        const taken: Prepared[] = [];
        const first = group.next;
        while (group.next < group.lines.length) {
          group.prepared ??= this.prepare(group.lines[group.next]!, group.matcher, group.invoices);
          const { application } = group.prepared;
          const count = postingItemCount(application.posting);
          const keys = touchedBy(application.posting);
          if (items + count > TRANSACTION_LIMITS.items || keys.some((key) => touched.has(key))) break;
          keys.forEach((key) => touched.add(key));
          items += count;
          taken.push(group.prepared);
          group.prepared = undefined;
          group.next += 1;
          if (taken.at(-1)!.downgraded) break;
        }
        if (taken.length > 0) pack.push({ group, first, prepared: taken });
      }
      // Never empty: a line's posting alone always fits (a larger one is left for finance, see `application`).
      if (pack.length === 0) throw new Error('No statement line fits an empty transaction');
      const written = await this.deps.postings.postTogether(pack.flatMap((p) => p.prepared.map((x) => x.application.posting)));
      const stale = new Set<(typeof groups)[number]>();
      if (written) {
        const postings = pack.flatMap((p) => p.prepared);
        for (const { entry, application } of postings) this.results.set(entry.line.sequence, { result: application.result, alreadyRecorded: false });
        await this.markAdvicesUsed(postings.map((p) => p.application.result));
        settled.push(...postings.flatMap((p) => settledBy(p.application.posting)));
        for (const p of pack) if (p.prepared.at(-1)!.downgraded) stale.add(p.group);
      } else {
        for (const p of pack) {
          p.group.next = p.first;
          stale.add(p.group);
        }
      }
      for (const group of stale) {
        if (group.next < group.lines.length) lineByLine.push(group.lines.slice(group.next));
      }
      active = active.filter((group) => !stale.has(group) && group.next < group.lines.length);
    }
    await this.resumeSettledBy(settled);
    await forEachLimit(lineByLine, GROUP_CONCURRENCY, async (lines) => this.applyGroup(lines, await this.load(lines)));
  }

  /**
   * The application of a group's next line, as if the lines before it were written: the matcher
   * keeps its running balances, and the invoices it changes are kept as they will be.
   */
  private prepare(entry: Entry, matcher: CashApplication, invoices: Map<string, Invoice>): Prepared {
    const { application, downgraded } = this.application(entry, matcher, invoices);
    for (const change of application.posting.invoices) invoices.set(change.after.invoiceId, change.after);
    return { entry, application, downgraded };
  }

  /** Resumes what waits on the settled invoices, their task tokens read in one batch. */
  private async resumeSettledBy(settled: readonly Invoice[]): Promise<void> {
    const ids = settled.filter((invoice) => invoice.balanceMinor === 0).map((invoice) => invoice.invoiceId);
    if (ids.length === 0) return;
    const tokens = await this.deps.invoices.paymentTaskTokens(ids);
    await resumeSettledInvoices({ invoices: { paymentTaskToken: async (id) => tokens.get(id) }, workflow: this.deps.workflow }, settled);
  }

  private async applyGroup(entries: readonly Entry[], loaded: Concerns): Promise<void> {
    let remaining = entries;
    let concerns = loaded;
    let conflicts = 0;
    while (remaining.length > 0) {
      const { invoices, matcher } = this.matcherFor(remaining, concerns);
      let restartAt = -1;
      for (let i = 0; i < remaining.length; i++) {
        const entry = remaining[i]!;
        const { application, downgraded } = this.application(entry, matcher, invoices);
        try {
          await this.deps.postings.post(application.posting);
        } catch (error) {
          if (error instanceof LineAlreadyRecordedError) {
            const result = (await this.deps.statements.recordedLines([entry.lineKey])).get(entry.lineKey);
            if (!result) throw error;
            await this.recordedBefore(entry, result);
            restartAt = i + 1;
          } else if (error instanceof ConcurrentUpdateError && ++conflicts <= MAX_CONFLICTS) {
            restartAt = i;
          } else {
            throw error;
          }
          break;
        }
        this.results.set(entry.line.sequence, { result: application.result, alreadyRecorded: false });
        await this.markAdvicesUsed([application.result]);
        await resumeSettledInvoices(this.deps, settledBy(application.posting));
        if (downgraded) {
          // The matcher counted the line as applied: the rest is matched again on what was written.
          restartAt = i + 1;
          break;
        }
      }
      remaining = restartAt < 0 ? [] : remaining.slice(restartAt);
      if (remaining.length > 0) concerns = await this.load(remaining);
    }
  }

  private application(entry: Entry, matcher: CashApplication, invoices: ReadonlyMap<string, Invoice>): { application: LineApplication; downgraded: boolean } {
    const learnedBefore = new Set(matcher.learnedAccounts().keys());
    const match = matcher.match(entry.line)!;
    const learnedAccount = [...matcher.learnedAccounts().keys()].find((account) => !learnedBefore.has(account)) ?? null;
    const input = { statementId: this.statementId, paymentId: this.deps.newId(), line: entry.line, account: entry.account, lineKey: entry.lineKey, invoices, now: this.deps.clock.now() };
    const application = applyStatementLine({ ...input, match, learnedAccount });
    if (postingItemCount(application.posting) <= TRANSACTION_LIMITS.items) return { application, downgraded: false };
    const tooLarge: LineMatch = {
      ...match,
      status: 'suggested',
      unappliedMinor: match.amountMinor,
      onAccountMinor: 0,
      reasons: [...match.reasons, `applying it touches more items than one transaction may (${TRANSACTION_LIMITS.items}): left for finance`],
    };
    return { application: applyStatementLine({ ...input, match: tooLarge }), downgraded: match.status === 'applied' };
  }

  /**
   * Reads what the lines concern, in one batch of lookups for all of them (see the module comment),
   * and notes per line which invoices and customers it concerns.
   */
  private async load(entries: readonly Entry[]): Promise<Concerns> {
    const reader = this.deps.openItems;
    const prefix = this.deps.settings.invoiceNumberPrefix;
    // A waiting advice the line fits brings the invoices it lists (rule 0 of the matcher splits the line over them).
    const perLine = entries.map((entry) => {
      const lookups = statementLookups([entry.line], prefix);
      const advices = this.waitingAdvices.filter((a) => adviceFitsLine(a.advice, entry.line) !== null);
      const advised = advices.flatMap((a) => a.advice.lines.map((l) => l.invoiceNumber));
      return { entry, advices, lookups: { ...lookups, invoiceNumbers: [...new Set([...lookups.invoiceNumbers, ...advised])] } };
    });
    const read = statementLookups(
      entries.map((e) => e.line),
      prefix,
    );
    const all = { ...read, invoiceNumbers: [...new Set([...read.invoiceNumbers, ...perLine.flatMap((p) => p.lookups.invoiceNumbers)])] };
    const [byReference, byNumber, payers] = await Promise.all([
      reader.invoicesByRfReference(all.rfReferences),
      reader.invoicesByNumber(all.invoiceNumbers),
      reader.knownPayers(all.payerAccounts, all.payerNames),
    ]);
    const payerCustomers = [...new Set([...payers.accounts.values(), ...payers.names.values()].flat())];
    const ofCustomers = await reader.openInvoicesOfCustomers(payerCustomers);
    const invoices = new Map<string, Invoice>();
    for (const invoice of [...byReference, ...byNumber, ...ofCustomers]) if (!invoices.has(invoice.invoiceId)) invoices.set(invoice.invoiceId, invoice);
    const multiMap = (list: readonly Invoice[], key: (i: Invoice) => string) => {
      const map = new Map<string, Invoice[]>();
      for (const invoice of list) map.set(key(invoice), [...(map.get(key(invoice)) ?? []), invoice]);
      return map;
    };
    const rf = multiMap(byReference, (i) => i.rfReference);
    const numbers = multiMap(byNumber, (i) => i.number);
    const customers = multiMap(ofCustomers, (i) => i.customerId);
    const lines = new Map<string, LineConcern>();
    for (const { entry, lookups, advices } of perLine) {
      const accounts = lookups.payerAccounts.filter((a) => payers.accounts.has(a));
      const names = lookups.payerNames.filter((n) => payers.names.has(n));
      const payerIds = [...new Set([...accounts.flatMap((a) => payers.accounts.get(a)!), ...names.flatMap((n) => payers.names.get(n)!)])];
      const concerned = [
        ...lookups.rfReferences.flatMap((r) => rf.get(r) ?? []),
        ...lookups.invoiceNumbers.flatMap((n) => numbers.get(n) ?? []),
        ...payerIds.flatMap((c) => customers.get(c) ?? []),
      ];
      lines.set(entry.lineKey, {
        invoiceIds: [...new Set(concerned.map((i) => i.invoiceId))],
        customerIds: [...new Set([...payerIds, ...concerned.map((i) => i.customerId)])],
        accounts,
        names,
        advices,
      });
    }
    return { invoices, payers, lines };
  }

  /** A matcher over the open items and payers the lines concern. */
  private matcherFor(entries: readonly Entry[], concerns: Concerns) {
    const invoiceIds = new Set<string>();
    const accounts = new Map<string, readonly string[]>();
    const names = new Map<string, readonly string[]>();
    const advices = new Map<string, StoredAdvice>();
    for (const entry of entries) {
      const concern = concerns.lines.get(entry.lineKey);
      if (!concern) continue;
      concern.invoiceIds.forEach((id) => invoiceIds.add(id));
      for (const a of concern.accounts) accounts.set(a, concerns.payers.accounts.get(a)!);
      for (const n of concern.names) names.set(n, concerns.payers.names.get(n)!);
      concern.advices.forEach((a) => advices.set(a.adviceId, a));
    }
    const invoices = new Map<string, Invoice>([...invoiceIds].map((id) => [id, concerns.invoices.get(id)!]));
    const matcher = CashApplication.fromData({
      openItems: uniqueOpenItems([...invoices.values()]),
      customers: knownCustomersFrom({ accounts, names }),
      ...(this.options.policy ? { policy: this.options.policy } : {}),
    });
    for (const advice of advices.values()) matcher.addAdvice(advice.adviceId, advice.advice);
    return { invoices, matcher };
  }

  /**
   * Marks used the advices the written lines followed (`LineResult.adviceId`, recorded with the
   * line): each once, a conditional write. Also for a line found recorded before (a step that
   * stopped between writing the line and marking its advice).
   */
  private async markAdvicesUsed(results: readonly LineResult[]): Promise<void> {
    if (!this.deps.advices) return;
    for (const result of results) {
      if (!result.adviceId || result.status !== 'applied') continue;
      await this.deps.advices.markUsed(result.adviceId, {
        paymentId: result.paymentId,
        statementId: result.statementId,
        lineId: result.lineId,
        at: this.deps.clock.now().toISOString(),
        deductions: result.deductions ?? [],
      });
    }
  }

  /**
   * An earlier upload that stopped may have applied a line and not resumed the executions of the
   * invoices it settled: resume those still settled (a stale token is harmless).
   */
  private async resumeSettled(results: readonly LineResult[]): Promise<void> {
    const ids = results.filter((r) => r.status === 'applied' && r.statementId === this.statementId).flatMap((r) => r.allocations.map((a) => a.invoiceId));
    if (ids.length === 0) return;
    const invoices = await this.deps.openItems.invoicesById(ids);
    await resumeSettledInvoices(this.deps, invoices);
  }
}

/** What one line concerns: the invoices it can be applied to and their customers, the payers it names. */
interface LineConcern {
  readonly invoiceIds: readonly string[];
  readonly customerIds: readonly string[];
  /** The line's payer account and name, normalized, where some customer is known by them. */
  readonly accounts: readonly string[];
  readonly names: readonly string[];
  /** The waiting remittance advices the line fits. */
  readonly advices: readonly StoredAdvice[];
}

interface Concerns {
  readonly invoices: ReadonlyMap<string, Invoice>;
  readonly payers: KnownPayers;
  /** By line key. */
  readonly lines: ReadonlyMap<string, LineConcern>;
}

/** A line's application computed ahead of writing it (see `StatementRun.prepare`). */
interface Prepared {
  readonly entry: Entry;
  readonly application: LineApplication;
  /** Matched as applied but written as suggested: the group's matcher is stale after it. */
  readonly downgraded: boolean;
}

/** What a posting updates in place (invoices, customers, payer keys): a pack of postings touches each once. */
function touchedBy(posting: Posting): string[] {
  const payer = posting.payer;
  return [
    ...posting.invoices.map((change) => `invoice ${change.after.invoiceId}`),
    ...(posting.customerCredit ? [`customer ${posting.customerCredit.customerId}`] : []),
    ...(payer ? [`customer ${payer.customerId}`, ...(payer.account ? [`payer account ${payer.account}`] : []), ...(payer.name ? [`payer name ${payer.name}`] : [])] : []),
  ];
}

/** Groups of a chunk applied at the same time, at most (line by line, after a refused pack). */
const GROUP_CONCURRENCY = 8;

/**
 * The lines grouped so that no two groups concern the same invoice or customer (union-find over
 * the invoices and customers each line concerns); each group in file order, groups by their first line.
 */
export function groupsOf<E extends { readonly lineKey: string }>(entries: readonly E[], concerns: { readonly lines: ReadonlyMap<string, Pick<LineConcern, 'invoiceIds' | 'customerIds'>> }): E[][] {
  const parent = entries.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const owner = new Map<string, number>();
  entries.forEach((entry, i) => {
    const concern = concerns.lines.get(entry.lineKey);
    const keys = [...(concern?.invoiceIds ?? []).map((id) => `invoice ${id}`), ...(concern?.customerIds ?? []).map((id) => `customer ${id}`)];
    for (const key of keys) {
      const other = owner.get(key);
      if (other === undefined) owner.set(key, i);
      else {
        const [a, b] = [find(i), find(other)];
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  });
  const groups = new Map<number, E[]>();
  entries.forEach((entry, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), entry]);
  });
  return [...groups.values()];
}

/**
 * Open items for the matcher, which refuses a number or RF reference twice and an RF reference with
 * wrong check digits: of imported items sharing a number the first is kept, a reference that cannot
 * be one is left out.
 */
function uniqueOpenItems(invoices: readonly Invoice[]) {
  const numbers = new Set<string>();
  const references = new Set<string>();
  const items = [];
  for (const invoice of [...invoices].sort((a, b) => a.invoiceId.localeCompare(b.invoiceId))) {
    const item = openItemOf(invoice);
    if (numbers.has(item.invoiceNumber)) continue;
    numbers.add(item.invoiceNumber);
    const normalized = item.rfReference ? normalizeRfReference(item.rfReference) : null;
    const rf = normalized && !references.has(normalized) ? normalized : null;
    if (rf) references.add(rf);
    items.push({ ...item, rfReference: rf });
  }
  return items;
}

/**
 * The statement with its progress and a page of its lines' outcomes.
 *
 * @throws NotFoundError when no statement has this id.
 */
export async function getStatement(deps: Pick<RemittanceDeps, 'statements'>, statementId: string, query: { limit?: string | undefined; cursor?: string | undefined }) {
  const limit = query.limit === undefined ? 200 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw ValidationError.of('limit', 'must be a whole number from 1 to 1000');
  const statement = await deps.statements.get(statementId);
  if (!statement) throw new NotFoundError('Statement', statementId);
  const page = await deps.statements.lineResults(statementId, limit, query.cursor);
  return { ...statementView(statement), lines: page.items.map((r) => lineResultView(r)), cursor: page.cursor ?? null };
}
