/**
 * Issue 13: collections arriving in an ordinary statement. The camt reader keeps a batch booking's
 * block id and count (`NtryDtls/Btch`) and the reversal indicator; a batch entry is read with its
 * collection file (its pending transactions must add up to the amount and the count), a single
 * collection with its end-to-end id; the matcher then pays the invoices through the usual path.
 */
import { describe, expect, it } from 'vitest';
import { readStatementFile } from '../../../lambdas/core/bank-statements/read-statement-file';
import type { StatementLine } from '../../../lambdas/core/bank-statements/statement';
import { CashApplication } from '../../../lambdas/core/cash-application/matcher';
import { openItemOf } from '../../../lambdas/core/cash-application/application';
import type { Invoice } from '../../../lambdas/core/invoices/invoice';
import { collectionFileIdOf, readCollectionCredits } from '../../../lambdas/core/sepa/collection-credits';
import type { CollectionFile, InvoiceDirectDebit } from '../../../lambdas/core/sepa/collection';
import { returnsInStatement } from '../../../lambdas/core/sepa/returns';
import { anInvoice } from '../../support/builders';

const camt = (entries: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
  <GrpHdr><MsgId>M-1</MsgId><CreDtTm>2027-03-15T18:00:00+01:00</CreDtTm></GrpHdr>
  <Stmt><Id>S-1</Id><CreDtTm>2027-03-15T18:00:00+01:00</CreDtTm><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>${entries}</Stmt>
</BkToCstmrStmt></Document>`;

const batch = (pmtInfId: string, count: number | null, amount: string) => `
  <Ntry><Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2027-03-15</Dt></BookgDt>
    <NtryDtls><Btch><PmtInfId>${pmtInfId}</PmtInfId>${count === null ? '' : `<NbOfTxs>${count}</NbOfTxs>`}</Btch></NtryDtls><AddtlNtryInf>SEPA-LASTSCHRIFT SAMMLER</AddtlNtryInf></Ntry>`;

const lines = (xml: string): StatementLine[] => readStatementFile(xml).statements.flatMap((s) => [...s.lines]);

const fileId = 'DD-20270312-ABCDEF123456';
const pending = (invoice: Invoice, attempt = 1): InvoiceDirectDebit => ({ status: 'pending', fileId, endToEndId: `${invoice.number}-${attempt}`, mandateId: 'MD-1', scheme: 'CORE', sequence: 'FRST', collectionDate: '2027-03-15', amountMinor: invoice.balanceMinor, attempt, previousCollectionOn: null });
const base = [
  anInvoice({ invoiceId: 'I-1', customerId: 'C-1', sequence: 1, totalMinor: 50_000, balanceMinor: 50_000, currency: 'EUR' }),
  anInvoice({ invoiceId: 'I-2', customerId: 'C-1', sequence: 2, totalMinor: 25_010, balanceMinor: 25_010, currency: 'EUR' }),
  anInvoice({ invoiceId: 'I-3', customerId: 'C-2', sequence: 3, totalMinor: 9_999, balanceMinor: 9_999, currency: 'EUR' }),
];
const invoices = base.map((i) => ({ ...i, directDebit: pending(i) }));

function fileOf(list: readonly Invoice[]): CollectionFile {
  return {
    fileId,
    messageId: fileId,
    createdAt: '2027-03-12T04:30:00Z',
    runDate: '2027-03-12',
    status: 'created',
    numberOfTransactions: list.length,
    sumMinor: list.reduce((s, i) => s + i.balanceMinor, 0),
    cancelledAt: null,
    batches: [
      {
        paymentInformationId: `${fileId}-1`,
        scheme: 'CORE',
        sequence: 'FRST',
        collectionDate: '2027-03-15',
        transactions: list.map((i) => ({ invoiceId: i.invoiceId, endToEndId: `${i.number}-1`, amountMinor: i.balanceMinor, currency: 'EUR', mandateId: 'MD-1', mandateSignedOn: '2027-02-20', debtorName: 'Anna', debtorIban: 'DE02120300000000202051', debtorBic: null, rfReference: i.rfReference })),
      },
    ],
  } as unknown as CollectionFile;
}

function deps(stored: readonly Invoice[]) {
  const file = fileOf(base);
  return {
    directDebits: { collectionFile: async (id: string) => (id === fileId ? file : undefined) },
    openItems: {
      invoicesById: async (ids: readonly string[]) => stored.filter((i) => ids.includes(i.invoiceId)),
      invoicesByNumber: async (numbers: readonly string[]) => stored.filter((i) => numbers.includes(i.number)),
    },
  };
}

describe('the camt reader keeps what a collection booking says', () => {
  it('reads the batch block id and count, and the reversal indicator', () => {
    const [line] = lines(camt(batch(`${fileId}-1`, 3, '850.09')));
    expect(line).toMatchObject({ direction: 'credit', amountMinor: 85_009, batch: { paymentInformationId: `${fileId}-1`, numberOfTransactions: 3 }, reversal: false });
    const [reversed] = lines(
      camt(`<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2027-03-18</Dt></BookgDt>
        <NtryDtls><TxDtls><Refs><EndToEndId>INV-2026-000001-1</EndToEndId></Refs><RtrInf><Rsn><Cd>MS02</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry>`),
    );
    expect(reversed).toMatchObject({ direction: 'debit', reversal: true, batch: null, returnReason: 'MS02', endToEndId: 'INV-2026-000001-1' });
    const returned = camt(`<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><NtryDtls><TxDtls><Refs><EndToEndId>X-1</EndToEndId></Refs><RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry>`);
    expect(returnsInStatement(readStatementFile(returned))).toEqual([
      { endToEndId: 'X-1', reasonCode: 'AC04', source: 'camt' },
    ]);
  });
});

describe('collections read with their collection files', () => {
  it('knows the file of a payment information id it wrote', () => {
    expect(collectionFileIdOf(`${fileId}-2`)).toBe(fileId);
    expect(collectionFileIdOf('SOMEBANK-BATCH-7')).toBeUndefined();
  });

  it('gives a batch entry the RF references of the pending invoices of its block, and the matcher applies it to all of them', async () => {
    // I-3 was rejected before settlement (pain.002): not in the booking.
    const stored = invoices.map((i) => (i.invoiceId === 'I-3' ? { ...i, directDebit: { ...i.directDebit, status: 'returned' as const } } : i));
    const [line] = lines(camt(batch(`${fileId}-1`, 2, '750.10')));
    const read = await readCollectionCredits(deps(stored), [line!]);
    const enriched = read.get(line!.sequence)!;
    expect(enriched.structuredReferences).toEqual([stored[0]!.rfReference, stored[1]!.rfReference]);
    expect(enriched.remittanceText).toContain(`SEPA direct debit batch ${fileId}-1: 2 collections`);
    const match = CashApplication.fromData({ openItems: stored.map(openItemOf), customers: [] }).match(enriched)!;
    expect(match.status).toBe('applied');
    expect(match.allocations.map((a) => [a.invoiceId, a.amountMinor]).sort()).toEqual([
      ['I-1', 50_000],
      ['I-2', 25_010],
    ]);
    // As the bank wrote it, the line quotes nothing: left for finance.
    expect(CashApplication.fromData({ openItems: stored.map(openItemOf), customers: [] }).match(line!)!.status).not.toBe('applied');
  });

  it('leaves a batch entry as it is when its count or sum does not fit the block, or the block is unknown', async () => {
    for (const xml of [batch(`${fileId}-1`, 2, '850.09'), batch(`${fileId}-1`, 3, '750.10'), batch(`${fileId}-9`, 3, '850.09'), batch('OTHER-1', 3, '850.09')]) {
      const [line] = lines(camt(xml));
      expect((await readCollectionCredits(deps(invoices), [line!])).size, xml).toBe(0);
    }
    const [whole] = lines(camt(batch(`${fileId}-1`, null, '850.09')));
    expect((await readCollectionCredits(deps(invoices), [whole!])).get(whole!.sequence)!.structuredReferences).toHaveLength(3);
  });

  it('gives a single collection (its end-to-end id) its invoice RF reference, and nothing to an end-to-end id of another attempt', async () => {
    const tx = (e2e: string) => `<Ntry><Amt Ccy="EUR">99.99</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2027-03-15</Dt></BookgDt>
      <NtryDtls><TxDtls><Refs><EndToEndId>${e2e}</EndToEndId></Refs><Amt Ccy="EUR">99.99</Amt><CdtDbtInd>CRDT</CdtDbtInd></TxDtls></NtryDtls></Ntry>`;
    const [own, other] = lines(camt(tx(`${invoices[2]!.number}-1`) + tx(`${invoices[2]!.number}-2`)));
    const read = await readCollectionCredits(deps(invoices), [own!, other!]);
    expect(read.get(own!.sequence)!.structuredReferences).toEqual([invoices[2]!.rfReference]);
    expect(read.has(other!.sequence)).toBe(false);
  });
});
