import { describe, expect, it } from 'vitest';
import { CSV_HEADER, readCsv } from '../../../lambdas/core/bank-statements/csv';
import { readStatementFile } from '../../../lambdas/core/bank-statements/read-statement-file';
import { StatementParseError } from '../../../lambdas/core/bank-statements/statement';

const csv = (...rows: string[]): string => [CSV_HEADER, ...rows].join('\r\n') + '\r\n';

const errorOf = (action: () => unknown): StatementParseError => {
  try {
    action();
  } catch (error) {
    if (error instanceof StatementParseError) return error;
    throw error;
  }
  throw new Error('expected a StatementParseError');
};

describe('CSV reader', () => {
  it('reads RFC 4180 quoting: commas, doubled quotes and line breaks inside quoted fields', () => {
    const file = readCsv(
      csv(
        '2026-03-02,1190.00,EUR,"Invoice INV-2026-000123, INV-2026-000124","ACME ""Industries"", GmbH",DE44500105175407324931',
        '2026-03-02,5.00,EUR,"two',
        'lines",Jane,',
      ),
    );
    expect(file.statements[0]!.lines.map((line) => [line.remittanceText, line.payerName, line.payerAccount])).toEqual([
      ['Invoice INV-2026-000123, INV-2026-000124', 'ACME "Industries", GmbH', 'DE44500105175407324931'],
      ['two\nlines', 'Jane', null],
    ]);
  });

  it('reads positive amounts as credits and negative as debits, exactly, in each row currency', () => {
    const file = readCsv(csv('2026-03-02,1234.5,EUR,,,', '2026-03-03,-0.01,EUR,,,', '2026-03-04,1500,JPY,,,', '2026-03-05,+1.250,KWD,,,'));
    expect(file.statements[0]!.lines.map((line) => [line.direction, line.amountMinor, line.currency, line.bookingDate, line.valueDate])).toEqual([
      ['credit', 123450, 'EUR', '2026-03-02', null],
      ['debit', 1, 'EUR', '2026-03-03', null],
      ['credit', 1500, 'JPY', '2026-03-04', null],
      ['credit', 1250, 'KWD', '2026-03-05', null],
    ]);
    expect(file.statements[0]!.currency).toBeNull();
  });

  it('takes the reference as structured reference only when it is a valid RF creditor reference', () => {
    const file = readCsv(csv('2026-03-02,1.00,EUR,RF18 5390 0754 7034,,', '2026-03-02,1.00,EUR,RF18 5390 0754 7035,,', '2026-03-02,1.00,EUR,INV-2026-000123,,'));
    expect(file.statements[0]!.lines.map((line) => [line.structuredReference, line.structuredReferences, line.remittanceText])).toEqual([
      ['RF18 5390 0754 7034', ['RF18 5390 0754 7034'], 'RF18 5390 0754 7034'],
      [null, [], 'RF18 5390 0754 7035'],
      [null, [], 'INV-2026-000123'],
    ]);
  });

  it('numbers the lines over the file, skips empty lines and zero amounts, and reads one currency as the statement currency', () => {
    const file = readCsv(csv('2026-03-02,1.00,EUR,,,', '', '2026-03-02,0.00,EUR,,,', '2026-03-03,2.00,EUR,,,'));
    const [statement] = file.statements;
    expect(statement).toMatchObject({ statementId: null, account: null, currency: 'EUR', openingBalanceMinor: null, closingBalanceMinor: null });
    expect(statement!.lines.map((line) => [line.sequence, line.lineId, line.entry!.index])).toEqual([
      [1, 'line-1', 1],
      [2, 'line-2', 3],
    ]);
  });

  it('reads a file with a BOM, LF line ends and only the header', () => {
    expect(readStatementFile(`\uFEFF${CSV_HEADER}\n`).statements[0]!.lines).toEqual([]);
  });

  describe('rejects a file that cannot be read, naming the line where the row starts', () => {
    const cases: [string, string, string][] = [
      ['another header', 'date,amount,currency,reference,payer\r\n', 'line 1: the header must be exactly "date,amount,currency,reference,payer_name,payer_account", found "date,amount,currency,reference,payer"'],
      ['a header with other case', CSV_HEADER.toUpperCase() + '\n', `line 1: the header must be exactly "${CSV_HEADER}", found "${CSV_HEADER.toUpperCase()}"`],
      ['a bad date after a multi-line row', csv('2026-03-02,1.00,EUR,"a', 'b",,', '2026-02-30,1.00,EUR,,,'), 'line 4: date "2026-02-30" is not a YYYY-MM-DD date'],
      ['a decimal comma', csv('2026-03-02,"1,00",EUR,,,'), 'line 2: amount "1,00" is not a decimal such as 1234.50 or -12.00'],
      ['too many decimals', csv('2026-03-02,1.001,EUR,,,'), 'line 2: amount "1.001" has more than the 2 decimals EUR allows'],
      ['an unknown currency', csv('2026-03-02,1.00,ABC,,,'), 'line 2: "ABC" is not an ISO 4217 currency code'],
      ['a lower-case currency', csv('2026-03-02,1.00,eur,,,'), 'line 2: currency "eur" is not a three-letter ISO 4217 code'],
    ];
    for (const [what, content, message] of cases) {
      it(what, () => {
        const error = errorOf(() => readStatementFile(content, { fileName: 'pay.csv' }));
        expect(error.message).toBe(`pay.csv: ${message}`);
        expect(error.location).toEqual({ line: Number(/^line (\d+)/.exec(message)![1]), file: 'pay.csv' });
      });
    }

    it('a row with a missing column', () => {
      const error = errorOf(() => readStatementFile(csv('2026-03-02,1.00,EUR,,'), { fileName: 'pay.csv' }));
      expect(error.message).toMatch(/^pay\.csv: line 2: not valid CSV: Invalid Record Length: expect 6, got 5/);
      expect(error.location.line).toBe(2);
    });

    it('a quote that is never closed', () => {
      const error = errorOf(() => readStatementFile(csv('2026-03-02,1.00,EUR,"open,,'), { fileName: 'pay.csv' }));
      expect(error.message).toMatch(/^pay\.csv: line \d+: not valid CSV: Quote Not Closed/);
    });
  });
});
