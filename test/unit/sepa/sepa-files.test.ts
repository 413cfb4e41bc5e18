import { describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { batchesOf, directDebitFileProblems, SepaFileError, writeDirectDebitFile, type DirectDebitFile } from '../../../lambdas/core/sepa/direct-debit-file';
import { writeCreditTransferFile, type CreditTransferFile } from '../../../lambdas/core/sepa/credit-transfer-file';
import { createRfReference } from '../../../lambdas/core/references/rf-creditor-reference';
import { schemaErrors } from '../../support/sepa-schemas';

const creditor = { name: 'Example Trading GmbH', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', creditorId: 'DE98ZZZ09999999999' };
const tx = (n: number, over: Partial<Parameters<typeof batchesOf>[1][number]> = {}) => ({
  invoiceId: `I-${n}`,
  endToEndId: `INV2026${String(n).padStart(6, '0')}`,
  amountMinor: 1000 * n + 5,
  currency: 'EUR',
  mandateId: `MD-C${n}-0001`,
  mandateSignedOn: '2026-11-01',
  debtorName: `Kunde ${n} Müller & Co`,
  debtorIban: 'FR1420041010050500013M02606',
  debtorBic: n % 2 === 0 ? 'BNPAFRPPXXX' : null,
  rfReference: createRfReference(`INV2026${String(n).padStart(6, '0')}`),
  scheme: 'CORE' as const,
  sequence: 'FRST' as const,
  collectionDate: '2026-12-08',
  ...over,
});

function file(): DirectDebitFile {
  return {
    messageId: 'DD-20261207-0001',
    createdAt: '2026-12-07T06:00:00.000Z',
    creditor,
    batches: batchesOf('DD-20261207-0001', [tx(1), tx(2, { sequence: 'RCUR' }), tx(3), tx(4, { scheme: 'B2B', sequence: 'RCUR' }), tx(5, { collectionDate: '2026-12-09' })]),
  };
}

const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['PmtInf', 'DrctDbtTxInf', 'CdtTrfTxInf'].includes(name), parseTagValue: false });

describe('pain.008.001.08 collection file', () => {
  it('validates against the ISO 20022 schema', async () => {
    const xml = writeDirectDebitFile(file());
    expect(await schemaErrors(xml, 'pain.008.001.08')).toEqual([]);
  });

  it('has one block per scheme, sequence type and date, with control sums that add up', () => {
    const doc = parser.parse(writeDirectDebitFile(file())).Document.CstmrDrctDbtInitn;
    expect(doc.GrpHdr.NbOfTxs).toBe('5');
    expect(doc.GrpHdr.CtrlSum).toBe('150.25'); // 10.05 + 20.05 + 30.05 + 40.05 + 50.05
    const blocks = doc.PmtInf.map((b: any) => [b.PmtTpInf.LclInstrm.Cd, b.PmtTpInf.SeqTp, b.ReqdColltnDt, b.NbOfTxs, b.CtrlSum]);
    expect(blocks).toEqual([
      ['B2B', 'RCUR', '2026-12-08', '1', '40.05'],
      ['CORE', 'FRST', '2026-12-08', '2', '40.10'],
      ['CORE', 'FRST', '2026-12-09', '1', '50.05'],
      ['CORE', 'RCUR', '2026-12-08', '1', '20.05'],
    ]);
    const cents = (s: string) => Number(s.replace('.', ''));
    const sumOfBlocks = doc.PmtInf.reduce((s: number, b: any) => s + cents(b.CtrlSum), 0);
    expect(sumOfBlocks).toBe(cents(doc.GrpHdr.CtrlSum));
    for (const b of doc.PmtInf) expect(b.DrctDbtTxInf.reduce((s: number, t: any) => s + cents(t.InstdAmt['#text']), 0)).toBe(cents(b.CtrlSum));
  });

  it('carries the mandate, the RF reference as structured remittance, the creditor id and EPC text', () => {
    const doc = parser.parse(writeDirectDebitFile(file())).Document.CstmrDrctDbtInitn;
    const block = doc.PmtInf[1];
    expect(block.CdtrSchmeId.Id.PrvtId.Othr).toEqual({ Id: 'DE98ZZZ09999999999', SchmeNm: { Prtry: 'SEPA' } });
    const t = block.DrctDbtTxInf[0];
    expect(t.DrctDbtTx.MndtRltdInf).toEqual({ MndtId: 'MD-C1-0001', DtOfSgntr: '2026-11-01' });
    expect(t.RmtInf.Strd.CdtrRefInf).toEqual({ Tp: { CdOrPrtry: { Cd: 'SCOR' }, Issr: 'ISO' }, Ref: createRfReference('INV2026000001') });
    expect(t.Dbtr.Nm).toBe('Kunde 1 Muller + Co');
    expect(t.DbtrAgt.FinInstnId.Othr.Id).toBe('NOTPROVIDED');
    expect(t.InstdAmt).toEqual({ '#text': '10.05', '@_Ccy': 'EUR' });
  });

  it('refuses to write a file that breaks an EPC rule the schema leaves open, naming each', () => {
    const bad: DirectDebitFile = {
      ...file(),
      creditor: { ...creditor, creditorId: 'DE97ZZZ09999999999' },
      batches: batchesOf('DD-1', [tx(1, { mandateId: '' }), tx(2, { endToEndId: 'INV2026000001' }), tx(3, { currency: 'USD' }), tx(4, { collectionDate: '2026-12-25' }), tx(5, { endToEndId: 'A//B' }), tx(6, { mandateSignedOn: '2026-12-10' })]),
    };
    const problems = directDebitFileProblems(bad);
    expect(problems.join('\n')).toMatch(/creditor identifier has check digits/);
    expect(problems.join('\n')).toMatch(/mandate id missing/);
    expect(problems.join('\n')).toMatch(/end-to-end id used twice/);
    expect(problems.join('\n')).toMatch(/only EUR, not USD/);
    expect(problems.join('\n')).toMatch(/2026-12-25 is not a TARGET2 business day/);
    expect(problems.join('\n')).toMatch(/EndToEndId must not contain "\/\/"/);
    expect(problems.join('\n')).toMatch(/mandate signed after the collection date/);
    expect(() => writeDirectDebitFile(bad)).toThrow(SepaFileError);
  });

  it('the schema itself catches a broken structure (the validator is not a rubber stamp)', async () => {
    const xml = writeDirectDebitFile(file()).replace('<PmtMtd>DD</PmtMtd>', '<PmtMtd>XX</PmtMtd>');
    expect((await schemaErrors(xml, 'pain.008.001.08')).join('\n')).toMatch(/PmtMtd/);
  });
});

describe('pain.001.001.09 refund file', () => {
  const refund: CreditTransferFile = {
    messageId: 'RF-20261207-0001',
    createdAt: '2026-12-07T09:00:00.000Z',
    executionDate: '2026-12-08',
    debtor: { name: creditor.name, iban: creditor.iban, bic: creditor.bic },
    transfers: [
      { refundId: 'R1', endToEndId: 'REFUND-R1', amountMinor: 1234, currency: 'EUR', creditorName: 'Søren Ærø ApS', creditorIban: 'DE02120300000000202051', creditorBic: null, remittance: 'Refund of on-account credit, customer C1' },
      { refundId: 'R2', endToEndId: 'REFUND-R2', amountMinor: 99, currency: 'EUR', creditorName: 'B', creditorIban: 'FR1420041010050500013M02606', creditorBic: 'BNPAFRPPXXX', remittance: 'Refund' },
    ],
  };
  it('validates against the ISO 20022 schema with the control sums', async () => {
    const xml = writeCreditTransferFile(refund);
    expect(await schemaErrors(xml, 'pain.001.001.09')).toEqual([]);
    const doc = parser.parse(xml).Document.CstmrCdtTrfInitn;
    expect([doc.GrpHdr.NbOfTxs, doc.GrpHdr.CtrlSum, doc.PmtInf[0].CtrlSum]).toEqual(['2', '13.33', '13.33']);
    expect(doc.PmtInf[0].CdtTrfTxInf[0].Cdtr.Nm).toBe('Soren AEro ApS');
  });
  it('refuses a transfer outside the EPC rules', () => {
    expect(() => writeCreditTransferFile({ ...refund, executionDate: '2026-12-26', transfers: [{ ...refund.transfers[0]!, currency: 'CHF' }] })).toThrow(/TARGET2.*only EUR/s);
  });
});
