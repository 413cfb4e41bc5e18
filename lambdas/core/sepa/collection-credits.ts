/**
 * Collections arriving in an ordinary bank statement (`POST /remittances`), read with what the
 * collection files say, so cash application pays the invoices through its one posting path:
 *
 * - a batch booking (one camt entry for a payment information block: `NtryDtls/Btch` with the
 *   block's `PmtInfId` and `NbOfTxs`, the block's sum as the amount) names the invoices of the
 *   block: the line is given their RF references, so the matcher applies it to all of them (the
 *   amount equals their balances together). The block's transactions still pending (a collection
 *   the debtor's bank rejected before settlement is not in the booking) must add up to the amount,
 *   and their count to `NbOfTxs` when given; else the line is left as it is (for finance);
 * - a single collection (`EndToEndId` `<invoice number>-<attempt>`, as the collection file wrote
 *   it) is given its invoice's RF reference when the line does not quote it.
 *
 * Only lines are read and references added: nothing is written here.
 */
import type { StatementLine } from '../bank-statements/statement';
import type { Invoice } from '../invoices/invoice';
import { isOpen } from '../invoices/invoice';
import type { OpenItemReader } from '../ports';
import { invoiceNumberOf, type CollectionFile } from './collection';
import type { DirectDebitStore } from './ports';

export interface CollectionCreditDeps {
  readonly directDebits: Pick<DirectDebitStore, 'collectionFile'>;
  readonly openItems: Pick<OpenItemReader, 'invoicesById' | 'invoicesByNumber'>;
}

/** The collection file a payment information id belongs to (`<fileId>-<n>`, as `writeDirectDebitFile` numbers the blocks). */
export function collectionFileIdOf(paymentInformationId: string): string | undefined {
  return /^(DD-\d{8}-[A-Z0-9]+)-\d+$/.exec(paymentInformationId.trim())?.[1];
}

/** The credit lines among `lines` that carry collections, with the RF references of the invoices they pay added; by line sequence. */
export async function readCollectionCredits(deps: CollectionCreditDeps, lines: readonly StatementLine[]): Promise<Map<number, StatementLine>> {
  const out = new Map<number, StatementLine>();
  const files = new Map<string, Promise<CollectionFile | undefined>>();
  const fileOf = (fileId: string) => {
    if (!files.has(fileId)) files.set(fileId, deps.directDebits.collectionFile(fileId));
    return files.get(fileId)!;
  };
  const singles: { line: StatementLine; number: string }[] = [];
  for (const line of lines) {
    if (line.direction !== 'credit' || line.currency !== 'EUR') continue;
    const blockId = line.batch?.paymentInformationId ?? null;
    const fileId = blockId ? collectionFileIdOf(blockId) : undefined;
    if (blockId && fileId) {
      const block = (await fileOf(fileId))?.batches.find((b) => b.paymentInformationId === blockId);
      if (!block) continue;
      const invoices = new Map((await deps.openItems.invoicesById(block.transactions.map((t) => t.invoiceId))).map((i) => [i.invoiceId, i]));
      const pending = block.transactions.filter((t) => {
        const invoice = invoices.get(t.invoiceId);
        return invoice !== undefined && isOpen(invoice) && invoice.directDebit?.status === 'pending' && invoice.directDebit.endToEndId === t.endToEndId;
      });
      const count = line.batch?.numberOfTransactions ?? null;
      const sum = pending.reduce((s, t) => s + t.amountMinor, 0);
      if (pending.length === 0 || sum !== line.amountMinor || (count !== null && count !== pending.length)) continue;
      out.set(line.sequence, withReferences(line, pending.map((t) => invoices.get(t.invoiceId)!), `SEPA direct debit batch ${blockId}: ${pending.length} collections`));
      continue;
    }
    const number = line.endToEndId ? invoiceNumberOf(line.endToEndId) : undefined;
    if (number) singles.push({ line, number });
  }
  if (singles.length > 0) {
    const byNumber = new Map((await deps.openItems.invoicesByNumber([...new Set(singles.map((s) => s.number))])).map((i) => [i.number, i]));
    for (const { line, number } of singles) {
      const invoice = byNumber.get(number);
      if (!invoice || invoice.directDebit?.endToEndId !== line.endToEndId) continue;
      if ((line.structuredReferences ?? []).includes(invoice.rfReference)) continue;
      out.set(line.sequence, withReferences(line, [invoice], `SEPA direct debit ${line.endToEndId}`));
    }
  }
  return out;
}

function withReferences(line: StatementLine, invoices: readonly Invoice[], note: string): StatementLine {
  const references = [...new Set([...(line.structuredReferences ?? []), ...invoices.map((i) => i.rfReference)])];
  return { ...line, structuredReference: line.structuredReference ?? references[0] ?? null, structuredReferences: references, remittanceText: [line.remittanceText, note].filter((t) => t !== '').join(' ') };
}
