/**
 * In-memory implementations of the cash application ports (`OpenItemReader`, `StatementStore`,
 * `UnappliedPaymentStore`) over the same {@link InMemoryTables} as the other fakes, faithful to the
 * conditions the DynamoDB adapters put on their writes:
 *
 * - a line is recorded only if its identity does not exist yet (else `LineAlreadyRecordedError`),
 *   and only if every invoice it changes is unchanged since it was read (else
 *   `ConcurrentUpdateError`); all conditions are checked before anything is written;
 * - a manual application changes the payment only if its unapplied amount is still the one read;
 * - payers are remembered on the customer record (`knownPayerAccounts` / `knownPayerNames`) and in
 *   the payer lookup, as string sets.
 *
 * The reader counts what it is asked for, so tests can prove a statement loads only what its lines
 * concern.
 */
import type { CashPayment, LineApplication, LineResult, ManualApplication, PayerToRemember } from '../../lambdas/core/cash-application/application';
import type { StatementHeader, StatementProgress, StatementRecord } from '../../lambdas/core/cash-application/statement-record';
import type { Invoice } from '../../lambdas/core/invoices/invoice';
import type { Journal } from '../../lambdas/core/ledger/ledger';
import {
  ConcurrentUpdateError,
  LineAlreadyRecordedError,
  type KnownPayers,
  type OpenItemReader,
  type Page,
  type ChunkOutcome,
  type StatementStore,
  type UnappliedPaymentStore,
} from '../../lambdas/core/ports';
import type { RemittanceDeps } from '../../lambdas/core/cash-application/remittances';
import type { UnappliedPaymentDeps } from '../../lambdas/core/cash-application/unapplied-payments';
import { decodeCursor, encodeCursor } from '../../lambdas/adapters/dynamodb/document-client';
import { inMemoryWorld, postingWriterOver, TransactionRefusedError, type InMemoryOptions, type InMemoryTables, type InMemoryWorld } from './in-memory';

const copy = <T>(value: T): T => structuredClone(value);

/** The cash application tables: statements, their lines' outcomes, line identities, payers. */
export class CashTables {
  readonly statements = new Map<string, StatementRecord>();
  /** statementId -> sequence -> the line's outcome as shown in that statement. */
  readonly lineResults = new Map<string, Map<number, LineResult>>();
  /** lineKey -> the outcome recorded with the line. */
  readonly statementLines = new Map<string, LineResult>();
  /** `account#...` / `name#...` -> customer ids. */
  readonly payers = new Map<string, Set<string>>();
  /** Every progress saved, in order (to check chunking). */
  readonly progressLog: { statementId: string; progress: StatementProgress }[] = [];
}

/** What a customer record carries besides `Customer` once cash application remembered payers. */
export interface RememberedPayers {
  knownPayerAccounts?: Set<string>;
  knownPayerNames?: Set<string>;
}

function remember(t: InMemoryTables, cash: CashTables, payer: PayerToRemember): void {
  const customer = t.customers.get(payer.customerId) as (RememberedPayers & Record<string, unknown>) | undefined;
  if (!customer) return;
  const add = (set: Set<string> | undefined, value: string) => new Set([...(set ?? []), value]);
  const next: RememberedPayers = {
    ...(payer.account ? { knownPayerAccounts: add(customer.knownPayerAccounts, payer.account) } : {}),
    ...(payer.name ? { knownPayerNames: add(customer.knownPayerNames, payer.name) } : {}),
  };
  t.customers.set(payer.customerId, { ...(customer as object), ...next } as never);
  for (const key of [...(payer.account ? [`account#${payer.account}`] : []), ...(payer.name ? [`name#${payer.name}`] : [])]) {
    cash.payers.set(key, add(cash.payers.get(key), payer.customerId));
  }
}

/** Counts of what the reader was asked for. */
export interface ReaderCalls {
  rfReferences: string[];
  invoiceNumbers: string[];
  customers: string[];
  invoiceIds: string[];
  payerKeys: string[];
  /** Every invoice id handed out, to prove no other invoice was read. */
  invoicesRead: Set<string>;
}

export class InMemoryOpenItemReader implements OpenItemReader {
  readonly calls: ReaderCalls = { rfReferences: [], invoiceNumbers: [], customers: [], invoiceIds: [], payerKeys: [], invoicesRead: new Set() };

  constructor(
    private readonly t: InMemoryTables,
    private readonly cash: CashTables,
  ) {}

  async invoicesByRfReference(references: readonly string[]): Promise<Invoice[]> {
    await this.t.tick();
    this.calls.rfReferences.push(...references);
    const wanted = new Set(references);
    return this.hand([...this.t.invoices.values()].filter((i) => wanted.has(i.rfReference)));
  }

  async invoicesByNumber(numbers: readonly string[]): Promise<Invoice[]> {
    await this.t.tick();
    this.calls.invoiceNumbers.push(...numbers);
    const wanted = new Set(numbers);
    return this.hand([...this.t.invoices.values()].filter((i) => wanted.has(i.number)));
  }

  async openInvoicesOfCustomers(customerIds: readonly string[]): Promise<Invoice[]> {
    await this.t.tick();
    this.calls.customers.push(...customerIds);
    const wanted = new Set(customerIds);
    return this.hand([...this.t.invoices.values()].filter((i) => wanted.has(i.customerId) && i.balanceMinor > 0));
  }

  async invoicesById(invoiceIds: readonly string[]): Promise<Invoice[]> {
    await this.t.tick();
    this.calls.invoiceIds.push(...invoiceIds);
    return this.hand(invoiceIds.map((id) => this.t.invoices.get(id)).filter((i): i is Invoice => i !== undefined));
  }

  async knownPayers(accounts: readonly string[], names: readonly string[]): Promise<KnownPayers> {
    await this.t.tick();
    const result = { accounts: new Map<string, string[]>(), names: new Map<string, string[]>() };
    for (const account of accounts) {
      this.calls.payerKeys.push(`account#${account}`);
      const ids = this.cash.payers.get(`account#${account}`);
      if (ids) result.accounts.set(account, [...ids].sort());
    }
    for (const name of names) {
      this.calls.payerKeys.push(`name#${name}`);
      const ids = this.cash.payers.get(`name#${name}`);
      if (ids) result.names.set(name, [...ids].sort());
    }
    return result;
  }

  private hand(invoices: Invoice[]): Invoice[] {
    for (const i of invoices) this.calls.invoicesRead.add(i.invoiceId);
    return invoices.map(copy);
  }
}

export class InMemoryStatementStore implements StatementStore {
  constructor(
    private readonly t: InMemoryTables,
    private readonly cash: CashTables,
  ) {}

  async begin(statement: StatementRecord, options: { readonly unlessProcessing?: boolean } = {}): Promise<{ statement: StatementRecord; created: boolean; alreadyProcessing?: boolean }> {
    await this.t.tick();
    const existing = this.cash.statements.get(statement.statementId);
    if (!existing) {
      this.cash.statements.set(statement.statementId, copy(statement));
      return { statement: copy(statement), created: true };
    }
    if (options.unlessProcessing && existing.status === 'processing') return { statement: copy(existing), created: false, alreadyProcessing: true };
    const next: StatementRecord = {
      ...existing,
      ...(statement.objectKey === undefined ? {} : { objectKey: statement.objectKey, recovering: statement.recovering ?? false }),
      status: statement.status,
      processed: 0,
      counts: statement.counts,
      lastUpload: statement.lastUpload,
      lastUploadAt: statement.lastUploadAt,
      at: statement.lastUploadAt,
      error: null,
      uploads: existing.uploads + 1,
      chunksDone: [],
    };
    this.cash.statements.set(statement.statementId, next);
    return { statement: copy(next), created: false };
  }

  async describe(statementId: string, header: StatementHeader): Promise<void> {
    await this.t.tick();
    const statement = this.cash.statements.get(statementId);
    if (!statement) throw new TransactionRefusedError(`Describing ${statementId}`, 'the statement does not exist');
    this.cash.statements.set(statementId, { ...statement, ...copy(header) });
  }

  async get(statementId: string): Promise<StatementRecord | undefined> {
    await this.t.tick();
    const statement = this.cash.statements.get(statementId);
    return statement ? copy(statement) : undefined;
  }

  async lineResults(statementId: string, limit: number, cursor?: string): Promise<Page<LineResult>> {
    await this.t.tick();
    const after = Number(decodeCursor(cursor)?.sequence ?? 0);
    const all = [...(this.cash.lineResults.get(statementId)?.values() ?? [])].filter((r) => r.sequence > after).sort((a, b) => a.sequence - b.sequence);
    const items = all.slice(0, limit).map(copy);
    const last = items[items.length - 1];
    return all.length > limit && last ? { items, cursor: encodeCursor({ sequence: last.sequence })! } : { items };
  }

  async recordedLines(lineKeys: readonly string[]): Promise<Map<string, LineResult>> {
    await this.t.tick();
    const found = new Map<string, LineResult>();
    for (const key of lineKeys) {
      const result = this.cash.statementLines.get(key);
      if (result) found.set(key, copy(result));
    }
    return found;
  }

  async resultsAt(statementId: string, sequences: readonly number[]): Promise<Map<number, LineResult>> {
    await this.t.tick();
    const shown = this.resultsOf(statementId);
    const found = new Map<number, LineResult>();
    for (const sequence of sequences) {
      const result = shown.get(sequence);
      if (result) found.set(sequence, copy(result));
    }
    return found;
  }

  async recordAlias(lineKey: string, result: LineResult): Promise<void> {
    await this.t.tick();
    if (!this.cash.statementLines.has(lineKey)) this.cash.statementLines.set(lineKey, copy({ ...result, lineKey }));
  }

  async reportLine(statementId: string, result: LineResult): Promise<void> {
    await this.t.tick();
    this.resultsOf(statementId).set(result.sequence, copy(result));
  }

  async progress(statementId: string, progress: StatementProgress): Promise<void> {
    await this.t.tick();
    const statement = this.cash.statements.get(statementId);
    if (!statement) throw new TransactionRefusedError(`Saving the progress of ${statementId}`, 'the statement does not exist');
    this.cash.statements.set(statementId, { ...statement, ...copy(progress) });
    this.cash.progressLog.push({ statementId, progress: copy(progress) });
  }

  async chunkApplied(statementId: string, run: number, chunk: ChunkOutcome): Promise<{ counted: boolean; statement: StatementRecord | undefined }> {
    await this.t.tick();
    const statement = this.cash.statements.get(statementId);
    if (!statement || statement.uploads !== run || statement.status !== 'processing' || statement.chunksDone?.includes(chunk.id)) {
      return { counted: false, statement: statement ? copy(statement) : undefined };
    }
    const next: StatementRecord = {
      ...statement,
      at: chunk.at,
      processed: statement.processed + chunk.lines,
      counts: {
        applied: statement.counts.applied + chunk.counts.applied,
        suggested: statement.counts.suggested + chunk.counts.suggested,
        unapplied: statement.counts.unapplied + chunk.counts.unapplied,
      },
      lastUpload: {
        newlyRecorded: statement.lastUpload.newlyRecorded + chunk.lastUpload.newlyRecorded,
        alreadyRecorded: statement.lastUpload.alreadyRecorded + chunk.lastUpload.alreadyRecorded,
      },
      chunksDone: [...(statement.chunksDone ?? []), chunk.id],
    };
    this.cash.statements.set(statementId, next);
    this.cash.progressLog.push({ statementId, progress: { status: next.status, processed: next.processed, counts: next.counts, lastUpload: next.lastUpload, error: next.error, at: next.at } });
    return { counted: true, statement: copy(next) };
  }

  async completeWhenAllCounted(statementId: string, run: number, at: string, extras: { readonly returns?: StatementProgress['returns'] } = {}): Promise<boolean> {
    await this.t.tick();
    const statement = this.cash.statements.get(statementId);
    if (!statement || statement.uploads !== run || statement.status !== 'processing' || statement.processed < statement.total) return false;
    const next: StatementRecord = { ...statement, status: 'completed', at, ...(extras.returns && extras.returns.length > 0 ? { returns: copy(extras.returns) } : {}) };
    this.cash.statements.set(statementId, next);
    this.cash.progressLog.push({ statementId, progress: { status: next.status, processed: next.processed, counts: next.counts, lastUpload: next.lastUpload, error: next.error, at } });
    return true;
  }

  private resultsOf(statementId: string): Map<number, LineResult> {
    return resultsOf(this.cash, statementId);
  }
}

function resultsOf(cash: CashTables, statementId: string): Map<number, LineResult> {
  let map = cash.lineResults.get(statementId);
  if (!map) cash.lineResults.set(statementId, (map = new Map()));
  return map;
}

export class InMemoryUnappliedPayments implements UnappliedPaymentStore {
  constructor(private readonly t: InMemoryTables) {}

  async get(paymentId: string): Promise<CashPayment | undefined> {
    await this.t.tick();
    const payment = this.t.payments.get(paymentId);
    return payment ? (copy(payment) as CashPayment) : undefined;
  }

  /** The sparse worklist index: payments with an unapplied amount, by `receivedAt` then id. */
  async listUnapplied(limit: number, cursor?: string): Promise<Page<CashPayment>> {
    await this.t.tick();
    const start = decodeCursor(cursor);
    const key = (p: CashPayment) => `${p.receivedAt}|${p.paymentId}`;
    const all = ([...this.t.payments.values()] as CashPayment[]).filter((p) => p.unappliedMinor > 0).sort((a, b) => key(a).localeCompare(key(b)));
    const from = start ? all.filter((p) => key(p) > `${String(start.receivedAt)}|${String(start.paymentId)}`) : all;
    const items = from.slice(0, limit).map(copy);
    const last = items[items.length - 1];
    return from.length > limit && last ? { items, cursor: encodeCursor({ receivedAt: last.receivedAt, paymentId: last.paymentId })! } : { items };
  }
}

/** Every port in memory (see `inMemoryWorld`) plus the cash application ports and their use-case deps. */
export interface CashWorld extends InMemoryWorld {
  readonly cash: CashTables;
  readonly openItems: InMemoryOpenItemReader;
  readonly statements: InMemoryStatementStore;
  readonly unapplied: InMemoryUnappliedPayments;
  readonly remittanceDeps: RemittanceDeps;
  readonly unappliedDeps: UnappliedPaymentDeps;
}

export function cashWorld(options: InMemoryOptions & { start?: string } = {}): CashWorld {
  const world = inMemoryWorld(options);
  const cash = new CashTables();
  const openItems = new InMemoryOpenItemReader(world.tables, cash);
  const statements = new InMemoryStatementStore(world.tables, cash);
  const unapplied = new InMemoryUnappliedPayments(world.tables);
  // The posting writer of this world also knows statement lines and payers.
  const postings = postingWriterOver(world.tables, {
    statementLines: cash.statementLines,
    lineResults: (statementId) => resultsOf(cash, statementId),
    remember: (payer) => remember(world.tables, cash, payer),
  });
  let ids = 0;
  return {
    ...world,
    postings,
    deps: { ...world.deps, postings },
    cash,
    openItems,
    statements,
    unapplied,
    remittanceDeps: {
      statements,
      postings,
      openItems,
      invoices: world.invoices,
      workflow: world.workflow,
      clock: world.clock,
      newId: () => `P-${String(++ids).padStart(5, '0')}`,
      settings: { invoiceNumberPrefix: 'INV' },
    },
    unappliedDeps: { payments: unapplied, postings, invoices: world.invoices, workflow: world.workflow, clock: world.clock },
  };
}
