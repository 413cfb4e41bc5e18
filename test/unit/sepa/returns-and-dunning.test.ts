import { describe, expect, it } from 'vitest';
import { readReturnFile } from '../../../lambdas/core/sepa/returns';
import { reopenByReturn, InvoiceTransitionError } from '../../../lambdas/core/invoices/transitions';
import { decideItem } from '../../../lambdas/core/dunning/run';
import { DEFAULT_POLICY } from '../../../lambdas/core/dunning/policy';
import { endToEndIdFor, invoiceNumberOf, type InvoiceDirectDebit } from '../../../lambdas/core/sepa/collection';
import { ValidationError } from '../../../lambdas/core/errors';
import { aCustomer, anInvoice } from '../../support/builders';

const camt054 = (tx: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn>
  <GrpHdr><MsgId>M</MsgId><CreDtTm>2027-03-18T18:00:00+01:00</CreDtTm></GrpHdr>
  <Ntfctn><Id>N</Id><CreDtTm>2027-03-18T18:00:00+01:00</CreDtTm><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>
    <Ntry><Amt Ccy="EUR">30.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2027-03-18</Dt></BookgDt>
      <NtryDtls>${tx}</NtryDtls></Ntry>
    <Ntry><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2027-03-18</Dt></BookgDt></Ntry>
  </Ntfctn></BkToCstmrDbtCdtNtfctn></Document>`;

describe('reading returns and rejects', () => {
  it('takes the debit lines of a camt with a return reason and their end-to-end ids (a batch split per TxDtls)', () => {
    const file = camt054(
      '<TxDtls><Refs><EndToEndId>INV-2027-000001-1</EndToEndId></Refs><Amt Ccy="EUR">10.00</Amt><RtrInf><Rsn><Cd>AM04</Cd></Rsn></RtrInf></TxDtls>' +
        '<TxDtls><Refs><EndToEndId>INV-2027-000002-1</EndToEndId></Refs><Amt Ccy="EUR">20.00</Amt><RtrInf><Rsn><Cd>MD01</Cd></Rsn></RtrInf></TxDtls>',
    );
    expect(readReturnFile(file)).toEqual([
      { endToEndId: 'INV-2027-000001-1', reasonCode: 'AM04', source: 'camt' },
      { endToEndId: 'INV-2027-000002-1', reasonCode: 'MD01', source: 'camt' },
    ]);
  });

  it('takes the rejected transactions of a pain.002, not the accepted ones', () => {
    const file = `<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt><GrpHdr><MsgId>S</MsgId></GrpHdr>
      <OrgnlPmtInfAndSts><TxInfAndSts><OrgnlEndToEndId>A-1</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AC04</Cd></Rsn></StsRsnInf></TxInfAndSts>
      <TxInfAndSts><OrgnlEndToEndId>B-1</OrgnlEndToEndId><TxSts>ACSP</TxSts></TxInfAndSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>`;
    expect(readReturnFile(file)).toEqual([{ endToEndId: 'A-1', reasonCode: 'AC04', source: 'pain.002' }]);
  });

  it('refuses a file that does not parse, naming the body', () => {
    expect(() => readReturnFile('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>')).toThrow(ValidationError);
    expect(() => readReturnFile('not a bank file')).toThrow(ValidationError);
  });

  it('knows the invoice number in the end-to-end ids it wrote', () => {
    expect(endToEndIdFor({ number: 'INV-2027-000001' }, 2)).toBe('INV-2027-000001-2');
    expect(invoiceNumberOf('INV-2027-000001-2')).toBe('INV-2027-000001');
    expect(invoiceNumberOf('NOTPROVIDED')).toBeUndefined();
  });
});

describe('reopenByReturn (the invoice transition of a returned collection)', () => {
  const paid = anInvoice({ invoiceId: 'I-1', totalMinor: 5000, paidMinor: 5000, balanceMinor: 0, status: 'PAID' });
  it('gives back what the collection paid: balance up, paid down, receivables against cash with the reason', () => {
    const t = reopenByReturn(paid, { amountMinor: 5000, reasonCode: 'AM04', overdueSince: '2027-03-16T00:00:00.000Z', at: '2027-03-18T09:00:00Z', note: 'returned' });
    expect(t.invoice).toMatchObject({ balanceMinor: 5000, paidMinor: 0, status: 'OVERDUE' });
    expect(t.invoice.history.at(-1)).toMatchObject({ status: 'OVERDUE', note: 'returned' });
    expect(t.journalLines.map((l) => [l.account, l.side, l.amount.minor, l.reasonCode])).toEqual([
      ['receivables', 'debit', 5000, 'AM04'],
      ['cash', 'credit', 5000, 'AM04'],
    ]);
  });
  it('writes no journal for a reject before settlement, and never gives back more than was paid', () => {
    const open = anInvoice({ invoiceId: 'I-2', totalMinor: 5000, balanceMinor: 5000 });
    expect(reopenByReturn(open, { amountMinor: 0, reasonCode: 'MD01', overdueSince: null, at: 'T', note: 'rejected' }).journalLines).toEqual([]);
    expect(() => reopenByReturn(open, { amountMinor: 1, reasonCode: 'MD01', overdueSince: null, at: 'T', note: 'x' })).toThrow(InvoiceTransitionError);
  });
});

describe('dunning while a collection is pending', () => {
  const collection: InvoiceDirectDebit = { status: 'pending', fileId: 'DD-1', endToEndId: 'INV-1-1', mandateId: 'MD-1', scheme: 'CORE', sequence: 'FRST', collectionDate: '2027-03-15', amountMinor: 5000, attempt: 1, previousCollectionOn: null };
  const overdue = anInvoice({ invoiceId: 'I-3', totalMinor: 5000, balanceMinor: 5000, dueDate: '2027-03-01', status: 'OVERDUE', overdueSince: '2027-03-02T00:00:00Z' });
  it('skips an item in a pending collection, and dunns it once the collection came back', () => {
    const pending = decideItem({ invoice: { ...overdue, directDebit: collection }, charges: null }, aCustomer({ customerId: overdue.customerId }), DEFAULT_POLICY, null, '2027-03-20', 'Europe/Berlin');
    expect(pending).toMatchObject({ kind: 'skip', reason: 'direct-debit-pending', nextActionDate: '2027-03-21' });
    const returned = decideItem({ invoice: { ...overdue, directDebit: { ...collection, status: 'returned' } }, charges: null }, aCustomer({ customerId: overdue.customerId }), DEFAULT_POLICY, null, '2027-03-20', 'Europe/Berlin');
    expect(returned.kind).toBe('escalate');
  });
});
