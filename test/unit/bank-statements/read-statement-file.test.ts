import { describe, expect, it } from 'vitest';
import { ACCEPTED_FORMATS, readStatementFile, StatementParseError } from '../../../lambdas/core/bank-statements/read-statement-file';

const camt = (kind: '053' | '054' | '052', version = '02'): string => {
  const [message, record] = kind === '053' ? ['BkToCstmrStmt', 'Stmt'] : kind === '054' ? ['BkToCstmrDbtCdtNtfctn', 'Ntfctn'] : ['BkToCstmrAcctRpt', 'Rpt'];
  return `<?xml version="1.0"?>
<!-- exported by the bank -->
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.${kind}.001.${version}"><${message}><GrpHdr><MsgId>1</MsgId></GrpHdr>
<${record}><Id>R</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry></${record}></${message}></Document>`;
};
const bai2 = ['01,S,R,260302,0800,F,,,2/', '02,R,S,1,260301,,USD,2/', '03,A,,/', '16,399,100,,B,,/', '49,100,3/', '98,100,1,5/', '99,100,1,7/'].join('\n');
const mt940 = [':20:S', ':25:A', ':28C:1', ':60F:C260301EUR0,', ':61:260302C1,00NTRFNONREF', ':62F:C260302EUR1,00'].join('\n');
const csv = 'date,amount,currency,reference,payer_name,payer_account\n2026-03-02,1.00,EUR,,,\n';

const errorOf = (action: () => unknown): StatementParseError => {
  try {
    action();
  } catch (error) {
    if (error instanceof StatementParseError) return error;
    throw error;
  }
  throw new Error('expected a StatementParseError');
};

describe('readStatementFile', () => {
  it('recognises each format from the content, whatever the file is called', () => {
    expect(readStatementFile(camt('053'), { fileName: 'statement.csv' }).format).toBe('camt.053');
    expect(readStatementFile(camt('054', '08'), { fileName: 'x.sta' }).format).toBe('camt.054');
    expect(readStatementFile(bai2, { fileName: 'x.xml' }).format).toBe('bai2');
    expect(readStatementFile(mt940, { fileName: 'x.bai2' }).format).toBe('mt940');
    expect(readStatementFile(csv, { fileName: 'x.sta' }).format).toBe('csv');
  });

  it('reads files with a byte order mark and leading blank lines', () => {
    expect(readStatementFile(`\uFEFF\n\n${camt('053')}`).format).toBe('camt.053');
    expect(readStatementFile(`\uFEFF${bai2}`).format).toBe('bai2');
    expect(readStatementFile(`\uFEFF\r\n${mt940}`).format).toBe('mt940');
  });

  it('every line of every format has the sequence and line id the model promises', () => {
    for (const content of [camt('053'), bai2, mt940, csv]) {
      const lines = readStatementFile(content).statements.flatMap((statement) => statement.lines);
      expect(lines.map((line) => line.sequence)).toEqual(lines.map((_, i) => i + 1));
      for (const line of lines) {
        expect(line.lineId).not.toBe('');
        expect(Number.isSafeInteger(line.amountMinor) && line.amountMinor > 0).toBe(true);
      }
    }
  });

  it('refuses unknown content, saying which formats are accepted', () => {
    for (const content of ['hello world', 'PK\u0003\u0004binary', '{"json": true}']) {
      const error = errorOf(() => readStatementFile(content, { fileName: 'upload.bin' }));
      expect(error.message).toBe(`upload.bin: not a bank statement format this product reads; expected ${ACCEPTED_FORMATS}`);
      expect(error.location).toEqual({ line: 1, file: 'upload.bin' });
    }
    expect(ACCEPTED_FORMATS).toMatch(/camt\.053.*camt\.054.*BAI2.*MT940.*CSV/);
  });

  it('refuses an empty file', () => {
    expect(() => readStatementFile('  \n')).toThrow(/^the file is empty; expected camt\.052, camt\.053/);
  });

  it('refuses other XML naming its namespace (camt.052 is read since issue 17)', () => {
    expect(() => readStatementFile(camt('052').replaceAll('camt.052', 'camt.029'))).toThrow(
      /^an XML document that is not a camt\.052, camt\.053 or camt\.054 statement \(root namespace "urn:iso:std:iso:20022:tech:xsd:camt\.029\.001\.02"\); expected camt\.052/,
    );
    expect(() => readStatementFile('<html><body/></html>')).toThrow(/root namespace missing/);
  });

  it('names the file in the message and the location only when given', () => {
    const withName = errorOf(() => readStatementFile(csv.replace('1.00', 'x'), { fileName: 'pay.csv' }));
    expect(withName.message).toBe('pay.csv: line 2: amount "x" is not a decimal such as 1234.50 or -12.00');
    expect(withName.location).toEqual({ line: 2, file: 'pay.csv' });
    const withoutName = errorOf(() => readStatementFile(csv.replace('1.00', 'x')));
    expect(withoutName.message).toBe('line 2: amount "x" is not a decimal such as 1234.50 or -12.00');
    expect(withoutName.location).toEqual({ line: 2 });
    expect(withoutName.name).toBe('StatementParseError');
  });
});
