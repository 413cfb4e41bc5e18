/**
 * The SEPA collection run and its files. Every day (and on demand) the run takes each customer
 * with an active mandate, finds the open EUR invoices whose due date falls on or before the next
 * collection date (the scheme's lead time in TARGET2 business days after today), and writes a
 * `pain.008.001.08` file: the invoices are marked as in collection (`invoice.directDebit`, so
 * dunning leaves them alone), the mandates move on to RCUR, and the file is kept with its
 * transactions, all in one posting. A file is cancelled, before its collection date, by giving
 * the invoices and the mandates' sequence back.
 */
import * as z from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { isOpen, type Invoice } from '../invoices/invoice';
import { retryOnConflict } from '../kernel/retry';
import type { InvoiceStore, PostingWriter } from '../ports';
import type { Posting } from '../posting/posting';
import { addCalendarDays, calendarDateIn, type Clock } from '../time/clock';
import { calendarDate, parseWith } from '../validation';
import { batchesOf, writeDirectDebitFile, type DirectDebitBatch, type DirectDebitFile } from './direct-debit-file';
import { mandateStatus, presentCollection, withdrawCollection, type Mandate, type MandateScheme, type SequenceType } from './mandate';
import type { DirectDebitStore } from './ports';
import { earliestCollectionDate, RULEBOOK_LEAD_TIMES, type LeadTimes } from './target2-calendar';
import { formatAmount, money } from '../money/money';

/** What an invoice in (or after) a collection carries. */
export interface InvoiceDirectDebit {
  /** pending: in a file, not yet paid or returned; returned: the bank gave it back; cancelled: its file was cancelled. */
  readonly status: 'pending' | 'returned' | 'cancelled';
  readonly fileId: string;
  readonly endToEndId: string;
  readonly mandateId: string;
  readonly scheme: MandateScheme;
  readonly sequence: SequenceType;
  readonly collectionDate: string;
  readonly amountMinor: number;
  /** 1 for the first collection of the invoice, 2 after a cancelled file, ... (part of the end-to-end id). */
  readonly attempt: number;
  /** The mandate's last collection date before this one (given back when the file is cancelled). */
  readonly previousCollectionOn: string | null;
  readonly returnReason?: { readonly code: string; readonly text: string } | null;
  readonly returnedAt?: string | null;
  /** The collected amount was paid and then reversed by the return. */
  readonly reversedMinor?: number;
}

export interface CollectionFile extends DirectDebitFile {
  readonly fileId: string;
  readonly runDate: string;
  readonly status: 'created' | 'cancelled';
  readonly numberOfTransactions: number;
  readonly sumMinor: number;
  readonly cancelledAt: string | null;
}

export interface CollectionSettings {
  readonly businessTimeZone: string;
  readonly seller: { readonly name: string; readonly iban: string; readonly bic: string; readonly creditorId: string };
  readonly leadTimes?: LeadTimes;
}

export interface CollectionDeps {
  readonly directDebits: DirectDebitStore;
  readonly invoices: Pick<InvoiceStore, 'allOfCustomer' | 'get'>;
  readonly postings: PostingWriter;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly settings: CollectionSettings;
}

/** Transactions per file: the file, its invoices and their mandates stay within one DynamoDB transaction (100 items). */
export const MAX_TRANSACTIONS_PER_FILE = 40;

/** Why an invoice of a customer with a mandate is not collected in this run. */
export type NotCollectedReason = 'not-due' | 'not-eur' | 'in-collection' | 'returned-before' | 'disputed' | 'mandate-expired';

export interface CollectionRunReport {
  readonly runDate: string;
  readonly files: readonly { readonly fileId: string; readonly numberOfTransactions: number; readonly controlSum: string; readonly collectionDates: readonly string[] }[];
  readonly collected: readonly { readonly invoiceId: string; readonly fileId: string; readonly collectionDate: string; readonly sequence: SequenceType; readonly amount: string }[];
  readonly notCollected: readonly { readonly invoiceId: string; readonly reason: NotCollectedReason; readonly detail: string }[];
}

/** The end-to-end id of an invoice's n-th collection: its number (EPC identifier characters) and the attempt. */
export function endToEndIdFor(invoice: Pick<Invoice, 'number'>, attempt: number): string {
  return `${invoice.number.replace(/[^A-Za-z0-9-]/g, '')}-${attempt}`.slice(-35);
}

/** The invoice number an end-to-end id this product wrote names (undefined for one it did not write). */
export function invoiceNumberOf(endToEndId: string): string | undefined {
  const match = /^(.+)-(\d+)$/.exec(endToEndId.trim());
  return match?.[1];
}

export const collectionRunRequest = z.strictObject({ asOf: calendarDate.optional() });

function today(deps: Pick<CollectionDeps, 'clock' | 'settings'>): string {
  return calendarDateIn(deps.clock.now(), deps.settings.businessTimeZone);
}

/** The mandate a customer's collections use: the active one signed last. */
function mandateOfCustomer(mandates: readonly Mandate[], onDate: string): Mandate | undefined {
  return [...mandates].filter((m) => mandateStatus(m, onDate) === 'ACTIVE').sort((a, b) => (a.signedOn < b.signedOn ? 1 : a.signedOn > b.signedOn ? -1 : 0))[0];
}

interface Planned {
  readonly before: Invoice;
  readonly mandate: Mandate;
  readonly collectionDate: string;
}

/**
 * The collection run of `asOf` (default today): one file per {@link MAX_TRANSACTIONS_PER_FILE}
 * invoices. Running it again collects nothing twice: an invoice in collection is skipped, and a
 * concurrent run's write makes this one read again.
 */
export async function runCollections(deps: CollectionDeps, body: unknown = {}): Promise<CollectionRunReport> {
  const request = parseWith(collectionRunRequest, body ?? {});
  const runDate = request.asOf ?? today(deps);
  if (runDate < addCalendarDays(today(deps), -31)) throw ValidationError.of('asOf', `must not be more than 31 days before today (${today(deps)})`);
  const leadTimes = deps.settings.leadTimes ?? RULEBOOK_LEAD_TIMES;
  const files: CollectionRunReport['files'][number][] = [];
  const collected: CollectionRunReport['collected'][number][] = [];
  const notCollected: CollectionRunReport['notCollected'][number][] = [];

  const byCustomer = new Map<string, Mandate[]>();
  for (const m of await deps.directDebits.activeMandates()) byCustomer.set(m.customerId, [...(byCustomer.get(m.customerId) ?? []), m]);
  const planned: Planned[] = [];
  for (const [customerId, mandates] of [...byCustomer.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const schemeDates = new Map(mandates.map((m) => [m.scheme, earliestCollectionDate(runDate, m.scheme, leadTimes)] as const));
    const invoices = (await deps.invoices.allOfCustomer(customerId)).filter((i) => i.chargesOf === undefined && isOpen(i));
    for (const invoice of invoices.sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.invoiceId < b.invoiceId ? -1 : 1))) {
      const skip = (reason: NotCollectedReason, detail: string) => notCollected.push({ invoiceId: invoice.invoiceId, reason, detail });
      if (invoice.directDebit?.status === 'pending') continue; // in a file already: nothing to say
      const collectionDate = schemeDates.get(mandates[0]!.scheme)!;
      const mandate = mandateOfCustomer(mandates, collectionDate);
      if (!mandate) {
        skip('mandate-expired', `no mandate of customer ${customerId} is active on ${collectionDate}`);
        continue;
      }
      const date = schemeDates.get(mandate.scheme)!;
      if (invoice.dueDate > date) continue; // due later: a later run
      if (invoice.currency !== 'EUR') skip('not-eur', `SEPA collects EUR only; the invoice is in ${invoice.currency}`);
      else if (invoice.directDebit?.status === 'returned') skip('returned-before', `returned ${invoice.directDebit.returnReason?.code ?? ''}: dunning follows it now`);
      else if (invoice.status === 'DISPUTED' || invoice.dunning.block?.kind === 'dispute') skip('disputed', 'disputed: not collected until resolved');
      else planned.push({ before: invoice, mandate, collectionDate: date });
    }
  }

  for (let start = 0; start < planned.length; start += MAX_TRANSACTIONS_PER_FILE) {
    const chunk = planned.slice(start, start + MAX_TRANSACTIONS_PER_FILE);
    const file = await retryOnConflict(() => writeFile(deps, runDate, chunk), { attempts: 5 });
    if (!file) continue;
    files.push({ fileId: file.fileId, numberOfTransactions: file.numberOfTransactions, controlSum: formatAmount(money(file.sumMinor, 'EUR')), collectionDates: [...new Set(file.batches.map((b) => b.collectionDate))] });
    for (const batch of file.batches) {
      for (const t of batch.transactions) collected.push({ invoiceId: t.invoiceId, fileId: file.fileId, collectionDate: batch.collectionDate, sequence: batch.sequence, amount: formatAmount(money(t.amountMinor, 'EUR')) });
    }
  }
  return { runDate, files, collected, notCollected };
}

/** Writes one file of the planned collections (read again: a retry after a concurrent change skips what is collected now). */
async function writeFile(deps: CollectionDeps, runDate: string, chunk: readonly Planned[]): Promise<CollectionFile | null> {
  const at = deps.clock.now().toISOString();
  const fileId = `DD-${runDate.replace(/-/g, '')}-${deps.newId().replace(/[^A-Za-z0-9]/g, '').slice(0, 12).toUpperCase()}`;
  const mandates = new Map<string, { before: Mandate; after: Mandate; sequence: SequenceType }>();
  const changes: { before: Invoice; after: Invoice }[] = [];
  const transactions: Parameters<typeof batchesOf>[1][number][] = [];
  for (const plan of chunk) {
    const invoice = await deps.invoices.get(plan.before.invoiceId);
    if (!invoice || !isOpen(invoice) || invoice.directDebit?.status === 'pending' || invoice.directDebit?.status === 'returned') continue;
    const stored = mandates.get(plan.mandate.mandateId) ?? (await freshMandate(deps, plan.mandate));
    if (!stored) continue;
    const current = mandates.get(plan.mandate.mandateId);
    const sequence = current ? current.sequence : stored.before.nextSequence;
    const presented = presentCollection(current ? current.after : stored.before, plan.collectionDate, at);
    mandates.set(plan.mandate.mandateId, { before: stored.before, after: presented.mandate, sequence });
    const attempt = (invoice.directDebit?.attempt ?? 0) + 1;
    const endToEndId = endToEndIdFor(invoice, attempt);
    const directDebit: InvoiceDirectDebit = {
      status: 'pending',
      fileId,
      endToEndId,
      mandateId: plan.mandate.mandateId,
      scheme: plan.mandate.scheme,
      sequence,
      collectionDate: plan.collectionDate,
      amountMinor: invoice.balanceMinor,
      attempt,
      previousCollectionOn: stored.before.lastCollectionOn,
    };
    const note = `in SEPA collection ${fileId} (${sequence}) for ${plan.collectionDate}: ${formatAmount(money(invoice.balanceMinor, 'EUR'))} from the account ending ${plan.mandate.iban.slice(-4)}`;
    changes.push({ before: invoice, after: { ...invoice, directDebit, history: [...invoice.history, { status: invoice.status, at, note }] } });
    transactions.push({
      invoiceId: invoice.invoiceId,
      endToEndId,
      amountMinor: invoice.balanceMinor,
      currency: invoice.currency,
      mandateId: plan.mandate.mandateId,
      mandateSignedOn: plan.mandate.signedOn,
      debtorName: plan.mandate.accountHolder,
      debtorIban: plan.mandate.iban,
      debtorBic: plan.mandate.bic,
      rfReference: invoice.rfReference,
      scheme: plan.mandate.scheme,
      sequence,
      collectionDate: plan.collectionDate,
    });
  }
  if (transactions.length === 0) return null;
  const seller = deps.settings.seller;
  const batches: DirectDebitBatch[] = batchesOf(fileId, transactions);
  const sumMinor = transactions.reduce((s, t) => s + t.amountMinor, 0);
  const file: CollectionFile = {
    fileId,
    messageId: fileId,
    createdAt: at,
    runDate,
    status: 'created',
    creditor: { name: seller.name, iban: seller.iban, bic: seller.bic || null, creditorId: seller.creditorId },
    batches,
    numberOfTransactions: transactions.length,
    sumMinor,
    cancelledAt: null,
  };
  writeDirectDebitFile(file); // every EPC rule checked before anything is stored
  const posting: Posting = {
    description: `collection file ${fileId}`,
    invoices: changes,
    journals: [],
    directDebit: { file: { before: null, after: file }, mandates: [...mandates.values()].map(({ before, after }) => ({ before, after })) },
  };
  await deps.postings.post(posting);
  return file;
}

async function freshMandate(deps: CollectionDeps, mandate: Mandate): Promise<{ before: Mandate } | undefined> {
  const stored = await deps.directDebits.mandate(mandate.mandateId);
  return stored && stored.status === 'ACTIVE' ? { before: stored } : undefined;
}

/** The file as finance lists it. */
export function collectionFileView(file: CollectionFile) {
  return {
    fileId: file.fileId,
    messageId: file.messageId,
    createdAt: file.createdAt,
    runDate: file.runDate,
    status: file.status,
    cancelledAt: file.cancelledAt,
    numberOfTransactions: file.numberOfTransactions,
    controlSum: formatAmount(money(file.sumMinor, 'EUR')),
    currency: 'EUR',
    paymentInformation: file.batches.map((b) => ({
      paymentInformationId: b.paymentInformationId,
      scheme: b.scheme,
      sequence: b.sequence,
      collectionDate: b.collectionDate,
      numberOfTransactions: b.transactions.length,
      controlSum: formatAmount(money(b.transactions.reduce((s, t) => s + t.amountMinor, 0), 'EUR')),
      invoiceIds: b.transactions.map((t) => t.invoiceId),
    })),
  };
}

export async function getCollectionFile(deps: Pick<CollectionDeps, 'directDebits'>, fileId: string): Promise<CollectionFile> {
  const file = await deps.directDebits.collectionFile(fileId);
  if (!file) throw new NotFoundError('Collection file', fileId);
  return file;
}

/** The file's `pain.008.001.08` XML, written again from what was stored (the same bytes every time). */
export async function collectionFileXml(deps: Pick<CollectionDeps, 'directDebits'>, fileId: string): Promise<string> {
  return writeDirectDebitFile(await getCollectionFile(deps, fileId));
}

/**
 * Cancels a file before its first collection date: its invoices leave collection (collected
 * again by a later run, with the next attempt's end-to-end id), and each mandate gets back the
 * sequence type and last collection date it had. A file the bank has acted on (a collection paid
 * or returned) or whose collection date has come is not cancelled (409).
 */
export async function cancelCollectionFile(deps: CollectionDeps, fileId: string) {
  return retryOnConflict(
    async () => {
      const file = await getCollectionFile(deps, fileId);
      if (file.status === 'cancelled') return { ...collectionFileView(file), alreadyCancelled: true };
      const day = today(deps);
      const first = file.batches.map((b) => b.collectionDate).sort()[0]!;
      if (day >= first) throw new ConflictError(`Collection file ${fileId} is due for collection on ${first}; it can be cancelled only before that day`, 'COLLECTION_DUE');
      const at = deps.clock.now().toISOString();
      const changes: { before: Invoice; after: Invoice }[] = [];
      const mandates = new Map<string, { before: Mandate; after: Mandate }>();
      for (const batch of file.batches) {
        for (const t of batch.transactions) {
          const invoice = await deps.invoices.get(t.invoiceId);
          const dd = invoice?.directDebit;
          if (!invoice || !dd || dd.fileId !== fileId) continue;
          if (dd.status !== 'pending' || invoice.paidMinor > 0 && invoice.balanceMinor < dd.amountMinor) {
            throw new ConflictError(`Collection file ${fileId}: the collection of invoice ${invoice.invoiceId} was acted on by the bank already`, 'COLLECTION_IN_PROGRESS');
          }
          changes.push({ before: invoice, after: { ...invoice, directDebit: { ...dd, status: 'cancelled' }, history: [...invoice.history, { status: invoice.status, at, note: `collection file ${fileId} cancelled` }] } });
          const known = mandates.get(dd.mandateId);
          const mandate = known?.after ?? (await deps.directDebits.mandate(dd.mandateId));
          if (!mandate || mandate.lastCollectionOn !== batch.collectionDate) continue;
          mandates.set(dd.mandateId, { before: known?.before ?? mandate, after: withdrawCollection(mandate, { sequence: dd.sequence, previousCollectionOn: dd.previousCollectionOn }, at) });
        }
      }
      const after: CollectionFile = { ...file, status: 'cancelled', cancelledAt: at };
      await deps.postings.post({ description: `cancellation of collection file ${fileId}`, invoices: changes, journals: [], directDebit: { file: { before: file, after }, mandates: [...mandates.values()] } });
      return { ...collectionFileView(after), alreadyCancelled: false };
    },
    { attempts: 5 },
  );
}
