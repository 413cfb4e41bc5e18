import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseStatementLineField, readMt940, readTransactionDetails } from '../../../lambdas/core/bank-statements/mt940';
import { readStatementFile } from '../../../lambdas/core/bank-statements/read-statement-file';
import { StatementParseError } from '../../../lambdas/core/bank-statements/statement';

/** Third-party samples copied unchanged into the repository (sources and licences: its README.md). */
const samples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/bank/samples/mt940');

/** One statement around `body` (the :61:/:86: lines). */
const statement = (body: string, balances = { opening: 'C260301EUR1000,00', closing: 'C260305EUR1000,00' }): string =>
  [':20:STMT-1', ':25:NL91ABNA0417164300', ':28C:12/1', `:60F:${balances.opening}`, body, `:62F:${balances.closing}`, '-'].join('\n');

const linesOf = (content: string) => readMt940(content).statements.flatMap((s) => s.lines);

const errorOf = (action: () => unknown): StatementParseError => {
  try {
    action();
  } catch (error) {
    if (error instanceof StatementParseError) return error;
    throw error;
  }
  throw new Error('expected a StatementParseError');
};

describe('MT940 reader', () => {
  it('reads a PKO BP :86: whose empty ~NN subfields hold only "˙" (0xFF in Windows-1250, "ÿ" in Windows-1252) as empty', () => {
    const statement = (mark: string) =>
      [':20:MT940', ':25:/PL61109010140000071219812874', ':28C:7', ':60F:C240301PLN100,00', ':61:2403010301C12,34N152NONREF//7001', ':86:020~00152', '~20ZAPLATA FV 12/2024', `~21${mark}`, `~22${mark}`, '~3010901014', '~32JAN NOWAK', `~33${mark}`, '~38PL27114020040000300201355387', `~60${mark}`, ':62F:C240301PLN112,34', '-'].join('\n');
    for (const [mark, encoding] of [['˙', 'utf8'], ['ÿ', 'latin1']] as const) {
      const file = readStatementFile(Buffer.from(statement(mark), encoding));
      expect(file.statements[0]!.lines[0]).toMatchObject({ remittanceText: 'ZAPLATA FV 12/2024', payerName: 'JAN NOWAK', payerAccount: 'PL27114020040000300201355387' });
    }
  });

  it('keeps a :61: reference longer than 16 characters whole when it is one word (FinTS timestamps, IBANs), and still cuts a padded reference before its details', () => {
    const place = { line: 1, record: ':61:' };
    expect(parseStatementLineField(['2302090209CR2,00NTRF2023-02-09-08.37.18.054696'], place)).toMatchObject({ customerReference: '2023-02-09-08.37.18.054696', supplementaryDetails: '' });
    expect(parseStatementLineField(['2001020102D12,50NIDBNL47INGB9999999999'], place)).toMatchObject({ customerReference: 'NL47INGB9999999999', supplementaryDetails: '' });
    // Old Rabobank layout: a 16-character reference, then the counterparty in the same line.
    expect(parseStatementLineField(['0801030103D000000000013,60N1020121470966      W.P. Jansen'], place)).toMatchObject({ customerReference: '0121470966', supplementaryDetails: 'W.P. Jansen' });
    // A "//" after the 16th character: still the 16 characters and the rest as details.
    expect(parseStatementLineField(['2302090209C2,00NTRFABCDEFGHIJKLMNOPQ//BANK1'], place)).toMatchObject({ customerReference: 'ABCDEFGHIJKLMNOP', bankReference: null });
  });

  it('reads a multi-line :86: as text with its line breaks, skipping empty lines, and joins several :86: fields', () => {
    const lines = linesOf(
      statement(
        [
          ':61:2603020302C150,00NTRFNONREF//BANK-1',
          ':86:BETALING VAN J. JANSEN',
          '',
          'FACTUUR INV-2026-000123',
          ':61:2603020302C10,NTRFNONREF//BANK-2',
          ':86:KENMERK 1',
          ':86:FACTUUR INV-2026-000124',
        ].join('\n'),
      ),
    );
    expect(lines.map((line) => [line.lineId, line.amountMinor, line.remittanceText])).toEqual([
      ['BANK-1', 15000, 'BETALING VAN J. JANSEN\nFACTUUR INV-2026-000123'],
      ['BANK-2', 1000, 'KENMERK 1\nFACTUUR INV-2026-000124'],
    ]);
  });

  it('reads the German ?20-?29 subfields: SEPA end-to-end id and remittance, payer name and IBAN on a credit', () => {
    const lines = linesOf(
      statement(
        [
          ':61:2603020302CR250,00NTRFNONREF//B-7',
          ':86:166?00SEPA GUTSCHRIFT?109310?20EREF+ACME-PAY-0001?21SVWZ+Rechnung INV-2026-0001',
          '23 und?22 INV-2026-000124?30DEUTDEFF?31532013000?32ACME Industries?33 GmbH?38DE445001051754',
          '07324931',
          ':61:2603030303D20,00NSTONONREF',
          ':86:008?00DAUERAUFTRAG?20Miete Maerz?32Vermieter AG?31998877',
        ].join('\n'),
      ),
    );
    expect(lines[0]).toMatchObject({
      direction: 'credit',
      amountMinor: 25000,
      endToEndId: 'ACME-PAY-0001',
      remittanceText: 'Rechnung INV-2026-000123 und INV-2026-000124',
      payerName: 'ACME Industries GmbH',
      payerAccount: 'DE44500105175407324931',
      bankTransactionCode: 'NTRF',
    });
    // On a debit the counterparty is the payee: no payer.
    expect(lines[1]).toMatchObject({ direction: 'debit', remittanceText: 'Miete Maerz', payerName: null, payerAccount: null, lineId: 'line-2' });
  });

  it('reads the Dutch slash codes: ABN AMRO /NAME/ /IBAN/ /REMI/, Rabobank /ORDP/ with the IBAN in the :61: details, ING /CNTP/', () => {
    const lines = linesOf(
      statement(
        [
          ':61:2603020302C100,00N654NONREF',
          ':86:/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/BIC/ABNANL2A/NAME/J. JANSE',
          'N/REMI/INV-2026-000123/EREF/NOTPROVIDED',
          ':61:2603020302C200,00N541EREF',
          'NL39RABO0300065264',
          ':86:/EREF/E2E-RABO-1/ORDP//NAME/Jane Example/ADDR/Main Street 1 Utrecht/REMI/USTD//Factuur INV-2026-000124/',
          ':61:2603020302C300,00N541NONREF',
          ':86:/EREF/NOTPROVIDED/ORDP//NAME/Initech BV/REMI/STRD/CUR/RF17INV2026000126/',
          ':61:2603020302C400,00NTRFNONREF',
          ':86:/CNTP/NL91ABNA0417164300/ABNANL2A/Hooli Inc./AMSTERDAM/REMI/USTD//INV-2026-000130/',
        ].join('\n'),
      ),
    );
    expect(lines.map((line) => [line.payerName, line.payerAccount, line.remittanceText, line.endToEndId, line.structuredReference])).toEqual([
      ['J. JANSEN', 'NL91ABNA0417164300', 'INV-2026-000123', null, null],
      ['Jane Example', 'NL39RABO0300065264', 'Factuur INV-2026-000124', 'E2E-RABO-1', null],
      ['Initech BV', null, '', null, 'RF17INV2026000126'],
      ['Hooli Inc.', 'NL91ABNA0417164300', 'INV-2026-000130', null, null],
    ]);
    expect(lines[1]!.lineId).toBe('E2E-RABO-1');
    expect(lines[1]!.customerReference).toBe('EREF');
  });

  it('reads the rabobank-iban sample: end-to-end ids, empty REMI, the beneficiary left out of debits', () => {
    const lines = readStatementFile(fs.readFileSync(path.join(samples, 'jejik/rabobank-iban.sta'), 'utf8')).statements.flatMap((s) => s.lines);
    expect(lines.map((line) => [line.lineId, line.direction, line.amountMinor, line.endToEndId, line.remittanceText, line.payerName])).toEqual([
      ['01-01-2013 12:00 0030000987654321', 'debit', 2500, '01-01-2013 12:00 0030000987654321', '', null],
      ['line-2', 'debit', 1000, null, 'Reference 201301234\nP001234567', null],
      ['08-01-2013 12:00 0030000987654321', 'debit', 2500, '08-01-2013 12:00 0030000987654321', '', null],
      ['line-4', 'debit', 1000, null, 'Reference 201301234\nP001234567', null],
    ]);
  });

  it('reads a "-" line inside a :86: as text when a field of the same statement follows, and an indented " -" there as text', () => {
    const lines = linesOf(
      statement([':61:2603020302C10,00NTRFNONREF//B-1', ':86:FIRST', ' -', 'THIRD', ':61:2603020302C20,00NTRFNONREF//B-2', ':86:WRAPPED --', '-'].join('\n'), {
        opening: 'C260301EUR1000,00',
        closing: 'C260302EUR1030,00',
      }),
    );
    expect(lines.map((line) => [line.lineId, line.remittanceText])).toEqual([
      ['B-1', 'FIRST\n -\nTHIRD'],
      ['B-2', 'WRAPPED --\n-'],
    ]);
    // The same "-" before the next :20: (or at the end of the file) ends the message.
    const two = readMt940([statement(':61:2603020302C10,00NTRFNONREF//B-1\n:86:TEXT', { opening: 'C260301EUR1000,00', closing: 'C260302EUR1010,00' }), statement('')].join('\n'));
    expect(two.statements.map((s) => s.lines.map((line) => line.remittanceText))).toEqual([['TEXT'], []]);
  });

  it('reads the Polish ^NN and ~NN subfields: title ^20-^29, payer ^32+^33 and ^38, the address ^62/^63 left out', () => {
    // The layout of Polish banks' :86: (Pekao, PKO BP, ING Bank Slaski ...): subfields padded with
    // spaces to a fixed width, the counterparty's address in ^62/^63. Written here for the test.
    const lines = linesOf(
      statement(
        [
          ':61:2603020302CN150,00N230NONREF//PL-1',
          ':86:230^00PRZELEW                    ^34000',
          '^3012400001^38PL61109010140000071219812874',
          '^20FAKTURA FV/2026/0      ^21        0123 ZAPLATA',
          '^32ACME SPOLKA Z OGRANICZONA ^33        ODPOWIEDZIALNOSCIA',
          '^62UL. DLUGA 1               ^63        00-001 WARSZAWA',
          ':61:2603020302C10,00NTRFNONREF//PL-2',
          ':86:020~00Przelew~20Faktura FV/1~21/2026~32Jan Kowalski~38PL27114020040000300201355387',
          // Subfields with no transaction code before them: >31 the payer's account, >32 the name.
          ':61:2603020302C5,00NTRFNONREF//PL-3',
          ':86:>20Faktura 7/2026>3149105019531000000',
          '477656534>32BIURO SP Z O O',
        ].join('\n'),
        { opening: 'C260301PLN1000,00', closing: 'C260302PLN1165,00' },
      ),
    );
    expect(lines.map((line) => [line.amountMinor, line.remittanceText, line.payerName, line.payerAccount])).toEqual([
      [15000, 'FAKTURA FV/2026/0 0123 ZAPLATA', 'ACME SPOLKA Z OGRANICZONA ODPOWIEDZIALNOSCIA', 'PL61109010140000071219812874'],
      [1000, 'Faktura FV/1/2026', 'Jan Kowalski', 'PL27114020040000300201355387'],
      [500, 'Faktura 7/2026', 'BIURO SP Z O O', '49105019531000000477656534'],
    ]);
  });

  it('reads the Triodos >20 subfields of the triodos sample as one purpose text', () => {
    const lines = readStatementFile(fs.readFileSync(path.join(samples, 'jejik/triodos.sta'), 'utf8')).statements[0]!.lines;
    expect(lines.map((line) => line.remittanceText)).toEqual(['ALGEMENE TUSSENREKENING KOSTEN VAN 01-10-2010 TOT EN MET 31-12-2010', 'HUUR KANTOOR - FEB 2010']);
  });

  it('reads reversals, entry dates across a year end, amounts without decimals, and leaves out zero amounts', () => {
    const lines = linesOf(
      statement(
        [
          ':61:2612310102RD10,NTRFNONREF//R1',
          ':61:2701021231RC20,5NTRFNONREF//R2',
          ':61:270102C500NTRFNONREF//R3',
          ':61:270102D0,NTRFNONREF//R4',
        ].join('\n'),
      ),
    );
    expect(lines.map((line) => [line.lineId, line.direction, line.amountMinor, line.valueDate, line.bookingDate])).toEqual([
      ['R1', 'credit', 1000, '2026-12-31', '2027-01-02'],
      ['R2', 'debit', 2050, '2027-01-02', '2026-12-31'],
      ['R3', 'credit', 50000, '2027-01-02', null],
    ]);
    expect(lines.map((line) => line.entry!.index)).toEqual([1, 2, 3]);
  });

  it('reads balances with their sign and several statements, skips bank headers and SWIFT blocks, keeps a statement :86: off the lines', () => {
    const content = [
      '{1:F01BANKNL2AXXXX0000000000}{2:O9401200260305BANKNL2AXXXX00000000002603051200N}{4:',
      ':20:ONE',
      ':25:ACC',
      ':28C:1/1',
      ':60F:D260301EUR10,00',
      ':61:260302C15,00NTRFNONREF//X',
      ':86:ON THE LINE',
      ':62F:C260302EUR5,00',
      ':86:D000001C000001 STATEMENT INFORMATION',
      '-}{5:{CHK:123456789ABC}}',
      'ABNANL2A',
      '940',
      ':20:TWO',
      ':25:ACC',
      ':28:2',
      ':60M:C260302EUR5,00',
      ':61:260303D5,00NTRFNONREF//X',
      ':62M:C260303EUR0,',
      '-XXX',
    ].join('\r\n');
    const file = readStatementFile(content);
    expect(file.statements.map((s) => [s.statementId, s.account, s.currency, s.openingBalanceMinor, s.closingBalanceMinor])).toEqual([
      ['ONE/1/1', 'ACC', 'EUR', -1000, 500],
      ['TWO/2', 'ACC', 'EUR', 500, 0],
    ]);
    expect(file.statements.flatMap((s) => s.lines).map((line) => [line.sequence, line.lineId, line.remittanceText])).toEqual([
      [1, 'X', 'ON THE LINE'],
      [2, 'X#2', ''],
    ]);
  });

  it('reads a Deutsche Mark statement with two decimals', () => {
    const lines = linesOf(statement(':61:131017D6800,NCHK16703074', { opening: 'C131016DEM84349,74', closing: 'C131017DEM77549,74' }));
    expect(lines[0]).toMatchObject({ currency: 'DEM', amountMinor: 680000, customerReference: '16703074' });
  });

  it('reads :86: text in the layout it is written in', () => {
    expect(readTransactionDetails(['free text /NAME/ is not a code here']).layout).toBe('free-text');
    expect(readTransactionDetails(['/NAME/X/REMI/Y']).layout).toBe('slash-codes');
    expect(readTransactionDetails(['051?00UEBERWEISUNG?20Text']).layout).toBe('subfields');
    expect(readTransactionDetails(['/TRTP/SEPA/NAME/A B']).remittanceText).toBe('/TRTP/SEPA/NAME/A B');
  });

  it('reads the counterparty of mBank\'s labelled free text: the name up to its legal form or address, the account', () => {
    // As mBank wraps it (at spaces, which the lines lose).
    const credit = readTransactionDetails(['911 TRANSAKCJA IPH; ID IPH: XX000000000014; Z RACH.:', '04105014611000002345271577; OD: GWARANT-CYNKOWANIE SPÓŁKA Z O.O.', 'UL.CIEPŁOWNICZA 27 98-300 WIELUŃ; TYT.: 210F1163; DATA STEMPLA:', '02.06.2010; TNR: 154961063737599.110001']);
    expect([credit.layout, credit.counterpartyName, credit.counterpartyAccount]).toEqual(['free-text', 'GWARANT-CYNKOWANIE SPÓŁKA Z O.O.', '04105014611000002345271577']);
    expect(credit.remittanceText).toContain('TYT.: 210F1163');
    // A person: the name up to the street; a postcode ends it too.
    expect(readTransactionDetails(['770 PRZELEW KRAJOWY; Z RACH.: 56114010810000267002001001; OD: JAN NOWAK', 'UL. NIJAKA 1 M 2 31-234 KRAKOW; TYT.: FV 12/2024']).counterpartyName).toBe('JAN NOWAK');
    expect(readTransactionDetails(['OD: ZAKŁAD USŁUG KOMUNALNYCH W LUB 97-217 LUBOCHNIA 9; TYT.: X']).counterpartyName).toBe('ZAKŁAD USŁUG KOMUNALNYCH W LUB');
    // A transfer out: "DLA:" (for) and "NA RACH.:" (to account).
    const debit = readTransactionDetails(['944 IBRE PRZELEW KRAJOWY; NA RACH.: 05109010560001589600256813;', 'DLA: KLINIKA MEDYCZNA PRO MED FIOŁKOWA 14 03-486 WARSZAWA; TYT.:', 'KONSULTACJA MEDYCZNA; TNR: 145411008035693.020001']);
    expect([debit.counterpartyName, debit.counterpartyAccount]).toEqual(['KLINIKA MEDYCZNA PRO MED FIOŁKOWA 14', '05109010560001589600256813']);
    // Without the labels, free text names nobody; an account that is not one is none.
    expect(readTransactionDetails(['PAYMENT FROM A CUSTOMER; REF 12']).counterpartyName).toBeNull();
    expect(readTransactionDetails(['OD: FIRMA SP. Z O.O.; Z RACH.: 1234']).counterpartyAccount).toBeNull();
  });

  describe('rejects a file that cannot be read, naming the line', () => {
    const cases: [string, string, string][] = [
      ['a malformed statement line', statement(':61:26030C1,00NTRF'), 'line 5 (record :61:): "26030C1,00NTRF" is not a statement line (value date YYMMDD, optional entry date MMDD, C/D/RC/RD, optional funds code, amount, transaction type, reference)'],
      ['an impossible value date', statement(':61:260230C1,00NTRFNONREF'), 'line 5 (record :61:): value date "260230" is not a YYMMDD date'],
      ['an amount with two commas', statement(':61:260302C1,0,0NTRFNONREF'), 'line 5 (record :61:): amount "1,0,0" has more than one decimal separator'],
      ['too many decimals', statement(':61:260302C1,001NTRFNONREF'), 'line 5 (record :61:): amount "1.001" has more than the 2 decimals EUR allows'],
      ['a malformed balance', [':20:A', ':25:B', ':28C:1', ':60F:C260301EUR'].join('\n'), 'line 4 (record :60F:): "C260301EUR" is not a balance (D or C, YYMMDD date, currency, amount such as C140829EUR147,64)'],
      ['an unknown currency', statement('', { opening: 'C260301XYZ1,00', closing: 'C260301XYZ1,00' }), 'line 4 (record :60F:): "XYZ" is not an ISO 4217 currency code'],
      ['balances in two currencies', statement('', { opening: 'C260301EUR1,00', closing: 'C260301USD1,00' }), 'line 6 (record :62F:): closing balance in USD, opening balance in EUR'],
      ['a field before any statement', ':61:260302C1,00NTRFNONREF\n' + statement(''), 'line 1: field :61: comes before any :20: field; an MT940 statement starts with :20: (transaction reference)'],
    ];
    for (const [what, content, message] of cases) {
      it(what, () => {
        const error = errorOf(() => readStatementFile(content, { fileName: 'f.sta' }));
        expect(error.message).toBe(`f.sta: ${message}`);
        expect(error.location.line).toBe(Number(/^line (\d+)/.exec(message)![1]));
      });
    }
  });

describe('MT940 deviations that do not touch money (issue 17): read with warnings', () => {
  it('an interim report without account, statement number and closing balance, lines before its balance', () => {
    const file = readStatementFile([':20:A', ':34F:EURD1,00', ':61:260302C1,00NTRFNONREF', ':NS:01bank text', ':90C:1EUR1,00'].join('\n'));
    expect(file.statements[0]!.lines.map((line) => [line.direction, line.amountMinor, line.currency])).toEqual([['credit', 100, 'EUR']]);
    expect(file.warnings.map((warning) => warning.code)).toEqual(['non-standard-field', 'missing-account', 'missing-statement-number', 'missing-opening-balance', 'missing-closing-balance']);
    expect(file.warnings[1]!.message).toBe('line 1 (record :20:): statement A has no :25: account identification');
  });
  it('a statement whose balances do not reconcile, with a warning naming both figures', () => {
    const file = readStatementFile([':20:A', ':25:B', ':28C:1', ':60F:C260301EUR1,00', ':61:260302C1,00NTRFNONREF', ':62F:C260302EUR3,00'].join('\n'));
    expect(file.warnings).toEqual([
      { code: 'not-reconciled', message: 'statement A/1 of account B does not reconcile: opening balance 100 + credits - debits = 200, closing balance 300 (minor units)', location: {} },
    ]);
  });
  it('German dialects: entry date as spaces, a space before the type, "." as decimal mark, no type', () => {
    const file = readStatementFile([':20:A', ':25:B', ':28:1', ':60F:C260301EUR1.00', ':61:260302    C1.50 NTRFNONREF', ':61:260302CN2,00//REF', ':62F:C260302EUR4,50'].join('\n'));
    expect(file.statements[0]!.lines.map((line) => [line.amountMinor, line.bookingDate, line.bankTransactionCode])).toEqual([[150, null, 'NTRF'], [200, null, null]]);
    expect(file.warnings.map((warning) => warning.code)).toEqual(['missing-transaction-type']);
  });
  it('a line without any currency in its statement is refused with the place', () => {
    expect(() => readStatementFile([':20:A', ':25:B', ':61:260302C1,00NTRFNONREF'].join('\n'))).toThrow(/line 3 \(record :61:\): statement line in a statement that names no currency/);
  });
});
});
