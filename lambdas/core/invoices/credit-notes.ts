/**
 * The credit note use cases: `POST /invoices/{invoiceId}/credit-notes` issues one (its number the
 * next of its gapless series, written with the invoice's new balance and the journal in one
 * posting), `GET /credit-notes/{creditNoteId}` reads it, `/document` renders it, `/einvoice` writes
 * it as UBL (CreditNote) or CII type 381 XML.
 */
import { maySee, type Caller } from '../access/caller';
import { NotFoundError } from '../errors';
import { formatAmount, money } from '../money/money';
import { retryOnConflict } from '../kernel/retry';
import { PostingWrittenBeforeError, type Posting } from '../posting/posting';
import { SequenceTakenError, type Workflow } from '../ports';
import type { CoreDeps } from '../deps';
import { calendarDateIn } from '../time/clock';
import { einvoiceFileName, einvoiceXml, parseEinvoiceFormat } from '../einvoice/einvoice';
import { creditNoteSeries, issueCreditNote, type CreditNote } from './credit-note';
import { resumeSettledInvoices } from './settlement';
import { settledBy } from '../posting/posting';

/** Where credit notes are read (written with their posting by the posting writer). */
export interface CreditNoteReader {
  get(creditNoteId: string): Promise<CreditNote | undefined>;
  listByInvoice(invoiceId: string): Promise<CreditNote[]>;
  /** The last number taken in a series (0 when none). */
  lastSequence(series: string): Promise<number>;
}

export type CreditNoteDeps = Pick<CoreDeps, 'invoices' | 'postings' | 'clock' | 'settings' | 'newId'> & { readonly creditNotes: CreditNoteReader; readonly workflow?: Pick<Workflow, 'resume' | 'fail'> };

/** The credit note as the API shows it. */
export function creditNoteView(note: CreditNote) {
  const m = (minor: number) => formatAmount(money(minor, note.currency));
  return {
    creditNoteId: note.creditNoteId,
    number: note.number,
    typeCode: '381',
    invoiceId: note.invoiceId,
    invoiceNumber: note.invoiceNumber,
    customerId: note.customerId,
    currency: note.currency,
    reason: note.reason,
    issueDate: note.issueDate,
    issuedAt: note.issuedAt,
    lines: note.lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: l.quantity, unitPrice: m(l.unitPriceMinor), amount: m(l.amountMinor), vatCategory: l.vatCategory ?? null, taxRate: l.taxRatePercent })),
    vatBreakdown: note.vatBreakdown.map((r) => ({ vatCategory: r.vatCategory, rate: r.ratePercent, net: m(r.netMinor), tax: m(r.taxMinor), exemptionReason: r.exemptionReason, exemptionCode: r.exemptionCode })),
    netTotal: m(note.netTotalMinor),
    taxTotal: m(note.taxTotalMinor),
    total: m(note.totalMinor),
    appliedToInvoice: m(note.appliedToInvoiceMinor),
    onAccountCredit: m(note.onAccountMinor),
  };
}

const MAX_ATTEMPTS = 25;

/**
 * Issues a credit note for the invoice. The id comes from the request's Idempotency-Key, so a
 * retried request finds the credit note it wrote and answers with it.
 *
 * @throws NotFoundError (no such invoice, or another storefront's); ValidationError naming the field.
 */
export async function createCreditNote(deps: CreditNoteDeps, caller: Caller, invoiceId: string, body: unknown) {
  const creditNoteId = deps.newId();
  for (let attempt = 1; ; attempt++) {
    const existing = await deps.creditNotes.get(creditNoteId);
    if (existing) return creditNoteView(existing);
    try {
      const posting = await retryOnConflict(
        async () => {
          const invoice = await deps.invoices.get(invoiceId);
          if (!invoice || !maySee(caller, invoice.ownerId)) throw new NotFoundError('Invoice', invoiceId);
          const now = deps.clock.now();
          const series = creditNoteSeries(calendarDateIn(now, deps.settings.businessTimeZone));
          const sequence = (await deps.creditNotes.lastSequence(series)) + 1;
          const previous = await deps.creditNotes.listByInvoice(invoiceId);
          const issued = issueCreditNote({ creditNoteId, invoice, body, previous, series, sequence, now, businessTimeZone: deps.settings.businessTimeZone });
          const posting: Posting = {
            description: `credit note ${issued.creditNote.number} for invoice ${invoice.number}`,
            invoices: [{ before: invoice, after: issued.invoice }],
            journals: [issued.journal],
            creditNote: issued.creditNote,
            ...(issued.onAccountMinor > 0 ? { customerCredit: { customerId: invoice.customerId, amountMinor: issued.onAccountMinor } } : {}),
          };
          await deps.postings.post(posting);
          return posting;
        },
        { attempts: 5 },
      );
      if (deps.workflow) await resumeSettledInvoices({ invoices: deps.invoices, workflow: deps.workflow }, settledBy(posting));
      return creditNoteView(posting.creditNote!);
    } catch (error) {
      if (error instanceof PostingWrittenBeforeError) continue;
      if (!(error instanceof SequenceTakenError) || attempt >= MAX_ATTEMPTS) throw error;
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 20 * attempt)));
    }
  }
}

async function visibleCreditNote(deps: Pick<CreditNoteDeps, 'creditNotes'>, caller: Caller, creditNoteId: string): Promise<CreditNote> {
  const note = await deps.creditNotes.get(creditNoteId);
  if (!note || !maySee(caller, note.ownerId)) throw new NotFoundError('Credit note', creditNoteId);
  return note;
}

export async function getCreditNote(deps: Pick<CreditNoteDeps, 'creditNotes'>, caller: Caller, creditNoteId: string) {
  return creditNoteView(await visibleCreditNote(deps, caller, creditNoteId));
}

/** The credit note and the invoice it corrects, for its document and e-invoice. */
export async function creditNoteWithInvoice(deps: Pick<CreditNoteDeps, 'creditNotes' | 'invoices'>, caller: Caller, creditNoteId: string) {
  const note = await visibleCreditNote(deps, caller, creditNoteId);
  const invoice = await deps.invoices.get(note.invoiceId);
  if (!invoice) throw new NotFoundError('Invoice', note.invoiceId);
  return { note, invoice };
}

export async function getCreditNoteEinvoice(deps: Pick<CreditNoteDeps, 'creditNotes' | 'invoices' | 'settings'>, caller: Caller, creditNoteId: string, format: string | undefined) {
  const { note, invoice } = await creditNoteWithInvoice(deps, caller, creditNoteId);
  const chosen = parseEinvoiceFormat(format);
  return { contentType: 'application/xml' as const, body: einvoiceXml({ invoice, seller: deps.settings.seller, creditNote: note }, chosen), fileName: einvoiceFileName(note.number, chosen) };
}
