/**
 * Returned and rejected direct debits, from the bank's files: a camt.053/054 whose debit lines
 * carry a return reason (`TxDtls/RtrInf/Rsn/Cd`, read by the one camt reader) and the original
 * end-to-end id, or a pain.002 status report with rejected transactions (`TxSts` RJCT).
 *
 * Each return reopens its invoice through the invoice's `reopenByReturn` transition (what the
 * collection paid is given back: receivables against cash), records the reason on the invoice's
 * collection, posts the bank's return fee on the invoice's charges item when the settings say so,
 * hands the invoice to dunning (its next action is today), revokes the mandate when the reason says
 * the mandate or account is no longer valid (else a returned first collection is first again), all
 * in one posting. A return is recorded once: the same return in a second file finds the collection
 * returned already and changes nothing.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ValidationError } from '../errors';
import type { Invoice } from '../invoices/invoice';
import { addCharges, chargesIdentity, newChargesItem, reopenByReturn } from '../invoices/transitions';
import { retryOnConflict } from '../kernel/retry';
import { journal } from '../ledger/ledger';
import { formatAmount, money } from '../money/money';
import type { InvoiceStore, PostingWriter } from '../ports';
import { PostingWrittenBeforeError, type Posting } from '../posting/posting';
import { addCalendarDays, calendarDateIn, type Clock } from '../time/clock';
import { readStatementFile, StatementParseError, type ParsedStatementFile } from '../bank-statements/read-statement-file';
import { invoiceNumberOf } from './collection';
import { revokeMandate, type Mandate } from './mandate';
import type { DirectDebitStore } from './ports';
import { returnReason } from './return-reasons';

export interface ReturnedCollection {
  readonly endToEndId: string;
  readonly reasonCode: string;
  readonly source: 'camt' | 'pain.002';
}

export interface ReturnDeps {
  readonly directDebits: DirectDebitStore;
  readonly invoices: Pick<InvoiceStore, 'get' | 'getByNumber'>;
  readonly postings: PostingWriter;
  readonly clock: Clock;
  readonly settings: { readonly businessTimeZone: string; readonly returnFeeMinor: number };
}

export type ReturnOutcome = 'returned' | 'already-recorded' | 'unknown-collection';

/** The returns a bank file reports; a file that is neither camt nor pain.002, or does not parse, is a 400 naming the problem. */
export function readReturnFile(content: string): ReturnedCollection[] {
  if (/urn:iso:std:iso:20022:tech:xsd:pain\.002\./.test(content.slice(0, 4096))) return readPain002(content);
  try {
    return returnsInStatement(readStatementFile(content));
  } catch (error) {
    if (error instanceof StatementParseError) throw ValidationError.of('body', error.message);
    throw error;
  }
}

/**
 * The returned direct debits a bank statement reports: its debit lines with a return reason
 * (`TxDtls/RtrInf/Rsn/Cd`) and the original end-to-end id, whether uploaded to
 * `POST /collections/returns` or with the day's statement to `POST /remittances`.
 */
export function returnsInStatement(file: Pick<ParsedStatementFile, 'statements'>): ReturnedCollection[] {
  return file.statements.flatMap((s) =>
    s.lines.filter((l) => l.direction === 'debit' && l.returnReason && l.endToEndId).map((l) => ({ endToEndId: l.endToEndId!, reasonCode: l.returnReason!, source: 'camt' as const })),
  );
}

function readPain002(content: string): ReturnedCollection[] {
  const valid = XMLValidator.validate(content);
  if (valid !== true) throw ValidationError.of('body', `the pain.002 file is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]) as Record<string, unknown>[];
  const doc = new XMLParser({ removeNSPrefix: true, parseTagValue: false }).parse(content) as Record<string, any>;
  const report = doc.Document?.CstmrPmtStsRpt;
  if (!report) throw ValidationError.of('body', 'a pain.002 file needs Document/CstmrPmtStsRpt');
  const out: ReturnedCollection[] = [];
  for (const info of list(report.OrgnlPmtInfAndSts)) {
    for (const tx of list(info.TxInfAndSts)) {
      if (tx.TxSts !== 'RJCT') continue;
      const endToEndId = typeof tx.OrgnlEndToEndId === 'string' ? tx.OrgnlEndToEndId : null;
      const reason = (list(tx.StsRsnInf)[0] as any)?.Rsn?.Cd;
      if (!endToEndId) throw ValidationError.of('body', 'a rejected transaction of the pain.002 has no OrgnlEndToEndId');
      out.push({ endToEndId, reasonCode: typeof reason === 'string' ? reason : 'MS03', source: 'pain.002' });
    }
  }
  return out;
}

/** Records every return of the file; answers per return what happened. */
export async function recordReturns(deps: ReturnDeps, content: string) {
  const returns = readReturnFile(content);
  if (returns.length === 0) throw ValidationError.of('body', 'the file reports no returned or rejected direct debit (camt debit lines with RtrInf, or pain.002 transactions with TxSts RJCT)');
  return { returns: await recordReturnedCollections(deps, returns) };
}

/** One outcome per return, in order: what {@link recordReturns} answers for each. */
export type ReturnResult = Awaited<ReturnType<typeof recordOne>>;

/** Records each return once (the same path for both routes): returned, already recorded, or not a collection of ours. */
export async function recordReturnedCollections(deps: ReturnDeps, returns: readonly ReturnedCollection[]): Promise<ReturnResult[]> {
  const results: ReturnResult[] = [];
  for (const r of returns) results.push(await retryOnConflict(() => recordOne(deps, r), { attempts: 5 }));
  return results;
}

async function recordOne(deps: ReturnDeps, r: ReturnedCollection) {
  const reason = returnReason(r.reasonCode);
  const base = { endToEndId: r.endToEndId, reasonCode: reason.code, reason: reason.text };
  const number = invoiceNumberOf(r.endToEndId);
  const invoice = number ? await deps.invoices.getByNumber(number) : undefined;
  const dd = invoice?.directDebit;
  if (!invoice || !dd || dd.endToEndId !== r.endToEndId) return { ...base, outcome: 'unknown-collection' as ReturnOutcome, invoiceId: invoice?.invoiceId ?? null };
  if (dd.status === 'returned') return { ...base, outcome: 'already-recorded' as ReturnOutcome, invoiceId: invoice.invoiceId };
  const now = deps.clock.now();
  const at = now.toISOString();
  const today = calendarDateIn(now, deps.settings.businessTimeZone);
  const reversedMinor = Math.max(0, Math.min(dd.amountMinor - invoice.balanceMinor, invoice.paidMinor));
  const overdueSince = now.getTime() >= Date.parse(invoice.overdueAt) ? (invoice.overdueSince ?? invoice.overdueAt) : null;
  const note = `SEPA direct debit ${r.endToEndId} returned (${reason.code}: ${reason.text})${reversedMinor > 0 ? `: ${formatAmount(money(reversedMinor, invoice.currency))} given back` : ''}`;
  const reopened = reopenByReturn(invoice, { amountMinor: reversedMinor, reasonCode: reason.code, overdueSince, at, note });
  const feeMinor = deps.settings.returnFeeMinor;
  let charges: { before: Invoice | null; after: Invoice } | null = null;
  let chargeLines: typeof reopened.journalLines = [];
  if (feeMinor > 0) {
    const chargesId = invoice.dunning.chargesInvoiceId ?? chargesIdentity(invoice).invoiceId;
    const existing = await deps.invoices.get(chargesId);
    const before = existing ?? null;
    const added = addCharges(existing ?? newChargesItem(invoice, today, at), { principalInvoiceId: invoice.invoiceId, feeMinor, interestMinor: 0, at, note: `return fee of the direct debit ${r.endToEndId} (${reason.code})` });
    charges = { before, after: added.invoice };
    chargeLines = added.journalLines;
  }
  const handBack = today > invoice.dueDate ? today : addCalendarDays(invoice.dueDate, 1);
  const after: Invoice = {
    ...reopened.invoice,
    directDebit: { ...dd, status: 'returned', returnReason: { code: reason.code, text: reason.text }, returnedAt: at, reversedMinor },
    nextActionDate: handBack,
    dunning: {
      ...reopened.invoice.dunning,
      ...(charges ? { chargesInvoiceId: charges.after.invoiceId, feesPostedMinor: (invoice.dunning.feesPostedMinor ?? 0) + feeMinor } : {}),
      version: (invoice.dunning.version ?? 0) + 1,
    },
  };
  const lines = [...reopened.journalLines, ...chargeLines];
  const mandate = await deps.directDebits.mandate(dd.mandateId);
  let mandateChange: { before: Mandate; after: Mandate } | null = null;
  if (mandate && mandate.status === 'ACTIVE') {
    if (reason.stopsCollection) mandateChange = { before: mandate, after: revokeMandate(mandate, `return ${reason.code}: ${reason.text}`, at) };
    else if (dd.sequence === 'FRST' && mandate.lastCollectionOn === dd.collectionDate) {
      mandateChange = { before: mandate, after: { ...mandate, nextSequence: 'FRST', history: [...mandate.history, { at, note: `first collection returned (${reason.code}): the next is FRST again` }] } };
    }
  }
  const posting: Posting = {
    description: `return of direct debit ${r.endToEndId}`,
    invoices: [{ before: invoice, after }, ...(charges ? [charges] : [])],
    journals: lines.length > 0 ? [journal(`sepa-return-${r.endToEndId}`, 'DirectDebitReturned', at, lines)] : [],
    ...(mandateChange ? { directDebit: { mandates: [mandateChange] } } : {}),
  };
  try {
    await deps.postings.post(posting);
  } catch (error) {
    // An earlier attempt of this very return wrote it (its journal exists): recorded once.
    if (error instanceof PostingWrittenBeforeError) return { ...base, outcome: 'already-recorded' as ReturnOutcome, invoiceId: invoice.invoiceId };
    throw error;
  }
  return {
    ...base,
    outcome: 'returned' as ReturnOutcome,
    invoiceId: invoice.invoiceId,
    reversed: formatAmount(money(reversedMinor, invoice.currency)),
    returnFee: formatAmount(money(feeMinor, invoice.currency)),
    mandateRevoked: mandateChange?.after.status === 'REVOKED',
    status: after.status,
  };
}
