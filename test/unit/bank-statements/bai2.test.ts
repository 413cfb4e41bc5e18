import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readBai2 } from '../../../lambdas/core/bank-statements/bai2';
import { readStatementFile } from '../../../lambdas/core/bank-statements/read-statement-file';
import { StatementParseError } from '../../../lambdas/core/bank-statements/statement';

/** Third-party samples copied unchanged into the repository (sources and licences: its README.md). */
const samples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/bank/samples/bai2');
const sample = (name: string): string => fs.readFileSync(path.join(samples, name), 'utf8');

/** A one-group, one-account BAI2 file around `account` records (03 ... 16/88), trailers computed by hand in each test. */
function bai2(records: string[], trailers: { account: string; group: string; file: string }): string {
  return [
    '01,SENDER,RECEIVER,260302,0800,FILE1,,,2/',
    '02,RECEIVER,BANK,1,260301,2400,USD,2/',
    ...records,
    trailers.account,
    trailers.group,
    trailers.file,
  ].join('\n');
}

const errorOf = (action: () => unknown): StatementParseError => {
  try {
    action();
  } catch (error) {
    if (error instanceof StatementParseError) return error;
    throw error;
  }
  throw new Error('expected a StatementParseError');
};

describe('BAI2 samples checked by hand', () => {
  it('citi_example: one 191 credit of 0.01 GBP, value dated, its seven 88 text records joined', () => {
    const file = readStatementFile(sample('citi_example.bai2'));
    expect(file).toMatchObject({ format: 'bai2', version: '2' });
    expect(file.statements).toHaveLength(1);
    const [statement] = file.statements;
    expect(statement).toMatchObject({ statementId: '00131100', account: '77777777', currency: 'GBP', openingBalanceMinor: 10000, closingBalanceMinor: 10000 });
    expect(statement!.lines).toEqual([
      {
        lineId: '1234567890',
        sequence: 1,
        direction: 'credit',
        amountMinor: 1,
        currency: 'GBP',
        bookingDate: '2015-07-15',
        valueDate: '2015-07-15',
        structuredReference: null,
        structuredReferences: [],
        endToEndId: null,
        accountServicerReference: '1234567890',
        customerReference: 'RP12312312312312',
        remittanceText:
          'FR:FP SIP INCOMING ENDT:20150715 TRID:RP12312312312312 PY:RP1231231231231200                 A1234BC 22/03/66 BI:22222222 OB:111111 BUCKINGHAM PALACE OB3:BARCLAYS BANK PLC BO:11111111 BO1:DOE JO',
        payerName: null,
        payerAccount: null,
        bankTransactionCode: '191',
        entry: { index: 1, transaction: 1, transactions: 1, amountMinor: 1, currency: 'GBP' },
      },
    ]);
  });

  it('nwb_example: four 699 debits and one 399 credit, summary continued on an 88, text continued on two 88s', () => {
    const file = readStatementFile(sample('nwb_example.bai2'));
    const [statement] = file.statements;
    expect(statement).toMatchObject({ account: '88888888 600004', currency: 'GBP', openingBalanceMinor: 36521, closingBalanceMinor: 33845 });
    expect(statement!.lines.map((line) => [line.lineId, line.direction, line.amountMinor, line.bankTransactionCode, line.bookingDate])).toEqual([
      ['line-1', 'debit', 971, '699', '2009-12-16'],
      ['line-2', 'debit', 100, '699', '2009-12-16'],
      ['line-3', 'debit', 123, '699', '2009-12-16'],
      ['line-4', 'debit', 1571, '699', '2009-12-16'],
      ['line-5', 'credit', 89, '399', '2009-12-16'],
    ]);
    // The bank wraps at a fixed width, "CLIENT" included: joined with a space as the peer does.
    expect(statement!.lines[4]!.remittanceText).toBe('TFR XBANKGO24007680SJ CAT JPY 2 GBPXBANKGO24007680BGC INTERNATIONAL-5373 CLIE NT SECCY AC TFR');
    // 49 control total 143764 = 03 and 88 summary amounts (140910) + the five 16 amounts (2854).
    expect(statement!.lines.reduce((sum, line) => sum + line.amountMinor, 0)).toBe(2854);
  });

  it('svb_us_example: two groups of one account, USD, one ACH credit each with its bank reference', () => {
    const file = readStatementFile(sample('svb_us_example.bai2'));
    expect(file.statements.map((statement) => [statement.account, statement.currency, statement.openingBalanceMinor, statement.closingBalanceMinor])).toEqual([
      ['1234567890', 'USD', 34726979, 35217175],
      ['1234567890', 'USD', 35217175, 36122975],
    ]);
    expect(file.statements.flatMap((statement) => statement.lines).map((line) => [line.sequence, line.lineId, line.direction, line.amountMinor, line.bookingDate, line.remittanceText])).toEqual([
      [1, '172629', 'credit', 490196, '2022-02-01', 'SOME PAYMENT ACH OFFSET'],
      [2, '150675', 'credit', 905800, '2022-02-02', 'SOME PAYMENT ACH OFFSET'],
    ]);
  });

  it('account_trailer_amount_blank_example: blank account control totals count as zero', () => {
    const file = readStatementFile(sample('account_trailer_amount_blank_example.bai2'));
    expect(file.statements.map((statement) => [statement.account, statement.currency, statement.lines.length])).toEqual([
      ['12345', 'USD', 0],
      ['54321', 'USD', 0],
    ]);
  });
});

describe('BAI2 reader', () => {
  it('continues a 16 text on 88 records, keeps commas in the text, reads funds types S and D', () => {
    const file = readBai2(
      bai2(
        [
          '03,ACC-1,EUR,010,100000,,,015,114500,,/',
          '16,195,10000,S,5000,3000,2000,BANK-1,CUST-1,Payment INV-2026-000123,',
          '88,thank you, regards',
          '16,175,4500,D,2,0,4000,1,500,BANK-2,,RF18 5390 0754 7034/',
          '16,475,0,0,BANK-3,,zero amount: no line/',
        ],
        { account: '49,229000,6/', group: '98,229000,1,8/', file: '99,229000,1,10/' },
      ),
    );
    const [statement] = file.statements;
    expect(statement!.currency).toBe('EUR');
    expect(statement!.lines.map((line) => [line.lineId, line.amountMinor, line.customerReference, line.remittanceText, line.valueDate])).toEqual([
      ['BANK-1', 10000, 'CUST-1', 'Payment INV-2026-000123, thank you, regards', null],
      ['BANK-2', 4500, null, 'RF18 5390 0754 7034', null],
    ]);
    expect(statement!.lines[1]!.entry!.index).toBe(2);
  });

  it('continues a 16 text that the record ended with "/" on its 88s: no comma put into the text, none kept from a ",/" ending (venturehacks/bai2 daily.bai2)', () => {
    const file = readBai2(
      bai2(
        [
          '03,ACC-1,USD,,,,/',
          // The text field is empty at "/": the 88 is the text (it had read ",SAMPLE CONTINUATION TEXT").
          '16,174,25001,Z,,50848,/',
          // Banks end every record ",/": that comma is no text (it had read "SAMPLE CONTINUATION TEXT,").
          '88,SAMPLE CONTINUATION TEXT,/',
          // The text ended by "/" and continued: one space between the pieces (it had read "PAYMENT FROM,,ACME CORP,").
          '16,195,10000,Z,BANK-2,,PAYMENT FROM,/',
          '88,ACME CORP,/',
          // Fields still open at "/" (the customer reference): the 88 starts the next field, as before.
          '16,195,500,Z,BANK-3/',
          '88,CUST-3,INVOICE 7',
        ],
        { account: '49,35501,8/', group: '98,35501,1,10/', file: '99,35501,1,12/' },
      ),
    );
    expect(file.statements[0]!.lines.map((line) => [line.amountMinor, line.customerReference, line.remittanceText])).toEqual([
      [25001, '50848', 'SAMPLE CONTINUATION TEXT'],
      [10000, null, 'PAYMENT FROM ACME CORP'],
      [500, 'CUST-3', 'INVOICE 7'],
    ]);
  });

  it('reads amounts as minor units of the currency, whatever its decimals (JPY has none)', () => {
    const file = readBai2(
      bai2(['03,ACC-JPY,JPY,/', '16,399,1500,,R1,,/'], { account: '49,1500,3/', group: '98,1500,1,5/', file: '99,1500,1,7/' }),
    );
    expect(file.statements[0]!.lines[0]).toMatchObject({ amountMinor: 1500, currency: 'JPY' });
  });

  it('reads several records on one line, a text wrapped without 88, an "88:" continuation and blank counts, with warnings (issue 17)', () => {
    const file = readStatementFile(
      [
        '01,SENDER,RECEIVER,260302,,FILE1,,,2/   02,RECEIVER,BANK,1,260301,,USD,2/',
        '03,ACC-1,USD,010,1000,,,015,1300,,/',
        '16,195,200,Z,BANK-1,,ACH SETL 1111111111',
        '2222222222 /',
        '16,195,100,Z,BANK-2,,Wire',
        '88:EREF: E-1',
        '49,2600,5/ 98,2600,,7/',
        '99,2600,1,9/',
      ].join('\n'),
    );
    expect(file.statements[0]!.lines.map((line) => [line.amountMinor, line.remittanceText])).toEqual([
      [200, 'ACH SETL 1111111111 2222222222'],
      [100, 'Wire EREF: E-1'],
    ]);
    expect(file.warnings.map((warning) => [warning.code, warning.location.line])).toEqual([
      ['text-wrapped-without-88', 4],
      ['continuation-written-88-colon', 6],
      ['missing-count', 7],
    ]);
    expect(file.warnings[2]!.message).toBe('line 7 (record 98): number of accounts is blank (1 accounts in the group)');
  });

  it('gives unique line ids when a bank reference repeats', () => {
    const file = readBai2(
      bai2(['03,A,USD,/', '16,399,1,,R,,/', '16,399,2,,R,,/'], { account: '49,3,4/', group: '98,3,1,6/', file: '99,3,1,8/' }),
    );
    expect(file.statements[0]!.lines.map((line) => line.lineId)).toEqual(['R', 'R#2']);
  });

  it('reads a blocked file of 80-character records padded with spaces, its last block filled with 9s after the 99 trailer', () => {
    const records = bai2(['03,A,USD,010,100,,/', '16,399,100,0,R,,text/'], { account: '49,200,3/', group: '98,200,1,5/', file: '99,200,1,7/' })
      .replace(',,,2/', ',80,10,2/')
      .split('\n')
      .map((record) => record.padEnd(80, ' '));
    const nines = '9'.repeat(80);
    for (const content of [[...records, nines, nines, nines].join('\n'), [...records.slice(0, -1), records.at(-1)!.trimEnd() + '9'.repeat(66), nines].join('\r\n')]) {
      const file = readStatementFile(content, { fileName: 'blocked.bai2' });
      expect(file.statements[0]!.lines.map((line) => [line.amountMinor, line.remittanceText])).toEqual([[100, 'text']]);
      expect(file.warnings).toEqual([]);
    }
    // Only after the file trailer: a line of 9s before it is still no record.
    expect(() => readStatementFile([...records.slice(0, 3), nines, ...records.slice(3)].join('\n'))).toThrow(/line 4: "9{20}" is not a BAI2 record/);
  });

  describe('rejects a file that cannot be read, naming the line and record', () => {
    const good = ['03,A,USD,/', '16,399,100,,R,,text/'];
    const trailers = { account: '49,100,3/', group: '98,100,1,5/', file: '99,100,1,7/' };
    const cases: [string, string, string][] = [
      ['an account control total that does not add up', bai2(good, { ...trailers, account: '49,101,3/' }), 'line 5 (record 49): account control total 101 does not match 100, the sum of the 03 and 16 amounts of the account'],
      ['a wrong account record count', bai2(good, { ...trailers, account: '49,100,4/' }), 'line 5 (record 49): number of records 4 does not match the 3 records from the 03 to the 49 record'],
      ['a wrong group control total', bai2(good, { ...trailers, group: '98,99,1,5/' }), 'line 6 (record 98): group control total 99 does not match 100, the sum of its account control totals'],
      ['a wrong number of accounts', bai2(good, { ...trailers, group: '98,100,2,5/' }), 'line 6 (record 98): number of accounts 2 does not match the 1 accounts in the group'],
      ['a wrong file record count', bai2(good, { ...trailers, file: '99,100,1,8/' }), 'line 7 (record 99): number of records 8 does not match the 7 records in the file'],
      ['an unknown record', bai2([...good, '17,1,2/'], trailers), 'line 5: "17,1,2/" is not a BAI2 record (01, 02, 03, 16, 49, 88, 98 or 99)'],
      ['a transaction outside an account', bai2(['16,399,100,,R,,text/'], trailers), 'line 3 (record 16): a group needs at least one account (03 record)'],
      ['a missing file trailer', bai2(good, { ...trailers, file: '' }), 'line 6: the file must end with a 99 file trailer, but the file ends here'],
      ['an amount with a decimal point', bai2(['03,A,USD,/', '16,399,1.00,,R,,/'], trailers), 'line 4 (record 16): amount "1.00" is not a whole number of minor units'],
      ['a bad type code', bai2(['03,A,USD,/', '16,39,100,,R,,/'], trailers), 'line 4 (record 16): type code "39" is not three digits'],
      ['an unknown funds type', bai2(['03,A,USD,/', '16,399,100,X,R,,/'], trailers), 'line 4 (record 16): funds type "X" is not one of 0, 1, 2, S, V, D, Z'],
      ['a bad value date', bai2(['03,A,USD,/', '16,399,100,V,261340,,R,,/'], trailers), 'line 4 (record 16): value date "261340" is not a YYMMDD date'],
      ['an unknown currency', bai2(['03,A,XYZ,/', '16,399,100,,R,,/'], trailers), 'line 3 (record 03): "XYZ" is not an ISO 4217 currency code'],
      ['BAI version 1', bai2(good, trailers).replace(',,,2/', ',,,1/'), 'line 1 (record 01): BAI version "1" is not supported; only version 2 is read'],
      ['records after the file trailer', `${bai2(good, trailers)}\n02,X,Y,1,260301,,,2/`, 'line 8 (record 02): records after the 99 file trailer'],
    ];
    for (const [what, content, message] of cases) {
      it(what, () => {
        const error = errorOf(() => readStatementFile(content, { fileName: 'f.bai2' }));
        expect(error.message).toBe(`f.bai2: ${message}`);
        expect(error.location.file).toBe('f.bai2');
        expect(error.location.line).toBe(Number(/^line (\d+)/.exec(message)![1]));
      });
    }

    it('a continuation record first (read as BAI2 directly: by content it is no BAI2 file)', () => {
      const error = errorOf(() => readBai2('88,text\n' + bai2(good, trailers)));
      expect(error.message).toBe('line 1 (record 88): a continuation record (88) cannot start the file');
      expect(error.location).toEqual({ line: 1, record: '88' });
    });

    it('the good file of these cases reads', () => {
      expect(readBai2(bai2(good, trailers)).statements[0]!.lines[0]).toMatchObject({ amountMinor: 100, lineId: 'R', remittanceText: 'text', bookingDate: '2026-03-01' });
    });
  });
});
