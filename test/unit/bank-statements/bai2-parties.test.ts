/** The payer of a BAI2 credit, read from the labels banks write into the transaction text. */
import { describe, expect, it } from 'vitest';
import { bai2Payer } from '../../../lambdas/core/bank-statements/bai2-parties';
import { readStatementFile } from '../../../lambdas/core/bank-statements/read-statement-file';

describe('bai2Payer', () => {
  it('reads the ACH originating company up to the next label', () => {
    expect(bai2Payer('ORIG CO NAME:ACME CORP ORIG ID:1234567890 DESC DATE:270315 CO ENTRY DESCR:PAYMENT SEC:CCD TRACE#:021000020000001 EED:270315 IND ID:INV-2027-000001 IND NAME:OUR COMPANY INC')).toEqual({ name: 'ACME CORP', account: null });
    expect(bai2Payer('ORIG CO NAME:ACME CO INC SEC:CTX')).toEqual({ name: 'ACME CO INC', account: null });
  });

  it('reads a wire originator with its account after the slash', () => {
    expect(bai2Payer('ORG=/DE89370400440532013000 Mueller & Soehne GmbH OGB=COBADEFFXXX OBI=INV-2027-000017 BBI=/CHGS/')).toEqual({ name: 'Mueller & Soehne GmbH', account: 'DE89370400440532013000' });
    expect(bai2Payer('ORG=ACME LIMITED OBI=RF18539007547034')).toEqual({ name: 'ACME LIMITED', account: null });
    expect(bai2Payer('WIRE TYPE:WIRE IN DATE:270315 TIME:0912 ET TRN:2027031500123456 ORIG:ACME CORP ID:000123456 SND BK:JPMORGAN CHASE BANK ID:021000021 PMT DET:INV 2027-000001')).toEqual({ name: 'ACME CORP', account: null });
  });

  it('reads Silicon Valley Bank\'s wire originator "ORG:=" up to the next ":=" label (venturehacks/bai2 eod.bai2)', () => {
    const text = 'FED NO: 20100831L1B77D1CDSDSDJSIO15608310954FT01 SENDER BNK:=ETRADE BANK SENDER ID:=056073573 ORG:=OPTIONS LINK WIRE CLEARING ORG ADDRESS:=1995 SE. 57TH ST. NY, NY 10022 BNF ID:=3300333333 BNF NAME:=YOUR NAME HERE INC';
    expect(bai2Payer(text)).toEqual({ name: 'OPTIONS LINK WIRE CLEARING', account: null });
    expect(bai2Payer('ORG:=ACME CORP OBI:=INV 1')).toEqual({ name: 'ACME CORP', account: null });
    expect(bai2Payer('ORG:= BNF ID:=1')).toBeNull();
  });

  it('reads "by order of" in its two spellings, labels in any case, spaces collapsed', () => {
    expect(bai2Payer('TFR RECEIVED B/O: Dupont  et Fils SARL REF:4711')).toEqual({ name: 'Dupont et Fils SARL', account: null });
    expect(bai2Payer('by order of:Nordic Trading AB')).toEqual({ name: 'Nordic Trading AB', account: null });
    expect(bai2Payer('ORIGINATOR:BETA LTD')).toEqual({ name: 'BETA LTD', account: null });
  });

  it('takes the first labelled party, and gives none without a label or without a name', () => {
    expect(bai2Payer('B/O:FIRST PAYER ORG=/123 SECOND PAYER')).toEqual({ name: 'FIRST PAYER', account: null });
    expect(bai2Payer('INV-2027-000001 PAYMENT THANK YOU')).toBeNull();
    expect(bai2Payer('SOME PAYMENT ACH OFFSET')).toBeNull();
    expect(bai2Payer('ORG=/123456 OBI=INV 1')).toEqual({ name: null, account: '123456' });
    expect(bai2Payer('ORG= OBI=INV 1')).toBeNull();
    expect(bai2Payer('ORIG CO NAME: ORIG ID:1')).toBeNull();
    expect(bai2Payer('')).toBeNull();
    // A label inside a word is not a label.
    expect(bai2Payer('XORIG:ACME')).toBeNull();
  });

  it('stays linear on hostile text', () => {
    const hostile = 'ORG=' + ' ORG=ORG='.repeat(200_000) + ' A'.repeat(200_000);
    const started = process.hrtime.bigint();
    bai2Payer(hostile);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2_000);
  });
});

describe('BAI2 credits carry the payer the text labels', () => {
  it('sets payerName and payerAccount on credits, never on debits', () => {
    const file = [
      '01,BANK,US,270316,0800,1,80,,2/',
      '02,US,BANK,1,270315,,USD,2/',
      '03,123456789,USD/',
      '16,195,50000,Z,W1,,INV-2027-000001',
      '88,ORG=/987654321 ACME CORP OBI=THANK YOU',
      '16,165,25000,Z,A1,,ORIG CO NAME:BETA LTD ORIG ID:1234567890 SEC:CCD',
      '16,495,10000,Z,W2,,ORG=/111 OUR SUPPLIER INC',
      '49,85000,6/',
      '98,85000,1,8/',
      '99,85000,1,10/',
    ].join('\n');
    const read = readStatementFile(new TextEncoder().encode(file), { fileName: 'statement.bai' });
    const lines = read.statements.flatMap((s) => s.lines);
    expect(lines.map((l) => [l.direction, l.amountMinor, l.payerName, l.payerAccount])).toEqual([
      ['credit', 50000, 'ACME CORP', '987654321'],
      ['credit', 25000, 'BETA LTD', null],
      ['debit', 10000, null, null],
    ]);
  });
});
