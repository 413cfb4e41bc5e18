import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCamt } from '../../../lambdas/core/bank-statements/camt';
import { readStatementFile } from '../../../lambdas/core/bank-statements/read-statement-file';
import { StatementParseError } from '../../../lambdas/core/bank-statements/statement';

/** Third-party samples copied unchanged into the repository (sources and licences: its README.md). */
const samples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/bank/samples/camt');

/** A camt.053 document with one statement holding `entries` (XML of `Ntry` elements). */
function camt053(entries: string, version = '02', extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.${version}">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-01T10:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>S1</Id>
      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
      ${extra}
      ${entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>`;
}

const entry = (body: string, amount = '100.00', indicator = 'CRDT', status = '<Sts>BOOK</Sts>'): string => `
  <Ntry>
    <Amt Ccy="EUR">${amount}</Amt>
    <CdtDbtInd>${indicator}</CdtDbtInd>
    ${status}
    <BookgDt><Dt>2026-03-02</Dt></BookgDt>
    <ValDt><Dt>2026-03-03</Dt></ValDt>
    ${body}
  </Ntry>`;

const errorOf = (action: () => unknown): StatementParseError => {
  try {
    action();
  } catch (error) {
    if (error instanceof StatementParseError) return error;
    throw error;
  }
  throw new Error('expected a StatementParseError');
};

describe('camt reader', () => {
  it('splits an entry with several TxDtls into one line per transaction, each with its amount', () => {
    const file = readCamt(
      camt053(
        entry(
          `<AcctSvcrRef>BATCH-1</AcctSvcrRef>
           <NtryDtls>
             <TxDtls>
               <Refs><AcctSvcrRef>TX-A</AcctSvcrRef><EndToEndId>E2E-A</EndToEndId></Refs>
               <AmtDtls><TxAmt><Amt Ccy="EUR">60.00</Amt></TxAmt></AmtDtls>
               <RmtInf><Ustrd>INV-1</Ustrd></RmtInf>
             </TxDtls>
             <TxDtls>
               <Refs><EndToEndId>E2E-B</EndToEndId></Refs>
               <Amt Ccy="EUR">30.00</Amt>
               <RmtInf><Ustrd>INV-2</Ustrd></RmtInf>
             </TxDtls>
             <TxDtls>
               <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
               <Amt Ccy="EUR">10.00</Amt>
             </TxDtls>
           </NtryDtls>`,
        ),
      ),
    );
    const lines = file.statements[0]!.lines;
    expect(lines.map((line) => [line.sequence, line.lineId, line.amountMinor, line.endToEndId, line.accountServicerReference, line.remittanceText])).toEqual([
      [1, 'TX-A', 6000, 'E2E-A', 'TX-A', 'INV-1'],
      [2, 'E2E-B', 3000, 'E2E-B', 'BATCH-1', 'INV-2'],
      [3, 'BATCH-1#3', 1000, null, 'BATCH-1', ''],
    ]);
    expect(lines.map((line) => line.entry)).toEqual([1, 2, 3].map((transaction) => ({ index: 1, transaction, transactions: 3, amountMinor: 10000, currency: 'EUR' })));
    expect(lines.every((line) => line.direction === 'credit' && line.bookingDate === '2026-03-02' && line.valueDate === '2026-03-03')).toBe(true);
  });

  it('prefers AmtDtls/TxAmt/Amt to TxDtls/Amt for a split transaction', () => {
    const file = readCamt(
      camt053(
        entry(`<NtryDtls>
          <TxDtls><Amt Ccy="EUR">1.00</Amt><AmtDtls><TxAmt><Amt Ccy="EUR">70.00</Amt></TxAmt></AmtDtls></TxDtls>
          <TxDtls><Amt Ccy="EUR">30.00</Amt></TxDtls>
        </NtryDtls>`),
        '04',
      ),
    );
    expect(file.statements[0]!.lines.map((line) => line.amountMinor)).toEqual([7000, 3000]);
  });

  it('keeps an entry whose transactions state no amounts as one line with the booked amount and every text', () => {
    const file = readCamt(
      camt053(
        entry(`<AcctSvcrRef>E-9</AcctSvcrRef><NtryDtls>
          <TxDtls><Refs><EndToEndId>SAME</EndToEndId></Refs><RltdPties><Dbtr><Nm>A</Nm></Dbtr></RltdPties><RmtInf><Ustrd>first</Ustrd><Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>
          <TxDtls><Refs><EndToEndId>SAME</EndToEndId></Refs><RltdPties><Dbtr><Nm>B</Nm></Dbtr></RltdPties><RmtInf><Ustrd>second</Ustrd></RmtInf></TxDtls>
        </NtryDtls>`),
      ),
    );
    expect(file.statements[0]!.lines).toHaveLength(1);
    expect(file.statements[0]!.lines[0]).toMatchObject({
      amountMinor: 10000,
      endToEndId: 'SAME',
      lineId: 'SAME',
      payerName: null,
      remittanceText: 'first second',
      structuredReference: 'RF18539007547034',
      structuredReferences: ['RF18539007547034'],
      accountServicerReference: 'E-9',
      entry: { index: 1, transaction: 1, transactions: 1, amountMinor: 10000, currency: 'EUR' },
    });
  });

  it('keeps a batch whose transactions add up to more than was booked (charges taken) as one line of the booked amount, with a warning', () => {
    const file = readStatementFile(
      camt053(
        entry(`<AcctSvcrRef>B-7</AcctSvcrRef><NtryDtls>
          <Btch><NbOfTxs>2</NbOfTxs></Btch>
          <TxDtls><Refs><EndToEndId>E-1</EndToEndId></Refs><AmtDtls><TxAmt><Amt Ccy="EUR">60.00</Amt></TxAmt></AmtDtls><RmtInf><Ustrd>INV-1</Ustrd></RmtInf></TxDtls>
          <TxDtls><Refs><EndToEndId>E-2</EndToEndId></Refs><AmtDtls><TxAmt><Amt Ccy="EUR">45.00</Amt></TxAmt></AmtDtls><RmtInf><Ustrd>INV-2</Ustrd></RmtInf></TxDtls>
        </NtryDtls>
        <Chrgs><TtlChrgsAndTaxAmt Ccy="EUR">5.00</TtlChrgsAndTaxAmt></Chrgs>`),
      ),
    );
    const lines = file.statements[0]!.lines;
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ amountMinor: 10000, currency: 'EUR', remittanceText: 'INV-1 INV-2', endToEndId: null, accountServicerReference: 'B-7', entry: { index: 1, transaction: 1, transactions: 1, amountMinor: 10000, currency: 'EUR' } });
    const warning = file.warnings.find((w) => w.code === 'batch-not-split');
    expect(warning?.message).toContain('2 transactions state amounts adding up to 105.00 EUR, the entry booked 100.00 EUR');
    expect(warning?.location).toEqual({ path: 'Document/BkToCstmrStmt/Stmt/Ntry' });
  });

  it('keeps a batch whose transactions state amounts in another currency as one line of the booked amount, with a warning', () => {
    const file = readStatementFile(
      camt053(
        entry(`<NtryDtls>
          <TxDtls><AmtDtls><TxAmt><Amt Ccy="USD">50.00</Amt></TxAmt></AmtDtls></TxDtls>
          <TxDtls><AmtDtls><TxAmt><Amt Ccy="USD">60.00</Amt></TxAmt></AmtDtls></TxDtls>
        </NtryDtls>`),
      ),
    );
    expect(file.statements[0]!.lines.map((line) => [line.amountMinor, line.currency])).toEqual([[10000, 'EUR']]);
    expect(file.warnings.find((w) => w.code === 'batch-not-split')?.message).toContain('state amounts in USD, the entry booked 100.00 EUR');
  });

  it('splits a batch whose transactions add up to exactly the booked amount, without a warning', () => {
    const file = readStatementFile(
      camt053(
        entry(`<NtryDtls>
          <TxDtls><AmtDtls><TxAmt><Amt Ccy="EUR">99.99</Amt></TxAmt></AmtDtls></TxDtls>
          <TxDtls><AmtDtls><TxAmt><Amt Ccy="EUR">0.01</Amt></TxAmt></AmtDtls></TxDtls>
        </NtryDtls>`),
      ),
    );
    expect(file.statements[0]!.lines.map((line) => line.amountMinor)).toEqual([9999, 1]);
    expect(file.warnings.map((w) => w.code)).not.toContain('batch-not-split');
  });

  it('reads one transaction with the booked entry amount', () => {
    const file = readCamt(camt053(entry('<NtryDtls><TxDtls><Amt Ccy="EUR">99.00</Amt></TxDtls></NtryDtls>', '100.00')));
    expect(file.statements[0]!.lines[0]!.amountMinor).toBe(10000);
  });

  it('reads an entry without details, and missing optional fields as null or empty', () => {
    const file = readCamt(
      camt053(`<Ntry><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><AddtlNtryInf>Fee</AddtlNtryInf></Ntry>
               <Ntry><Amt Ccy="EUR">6.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><NtryDtls><TxDtls/></NtryDtls></Ntry>`),
    );
    expect(file.statements[0]!.lines).toEqual([
      expect.objectContaining({ lineId: 'line-1', direction: 'debit', amountMinor: 500, bookingDate: null, valueDate: null, remittanceText: 'Fee', payerName: null, structuredReference: null, bankTransactionCode: null }),
      expect.objectContaining({ lineId: 'line-2', direction: 'credit', amountMinor: 600, remittanceText: '', endToEndId: null, payerAccount: null, customerReference: null }),
    ]);
    expect(file.statements[0]).toMatchObject({ statementId: 'S1', account: 'DE89370400440532013000', currency: 'EUR', openingBalanceMinor: null, closingBalanceMinor: null });
  });

  it('reads the v8 party layout, the other account id, the ultimate debtor and the bank transaction code', () => {
    const tx = (parties: string): string => entry(`<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
      <NtryDtls><TxDtls><Refs><AcctOwnrTxId>OWN-1</AcctOwnrTxId></Refs><RltdPties>${parties}</RltdPties></TxDtls></NtryDtls>`);
    const file = readCamt(
      camt053(
        tx('<Dbtr><Pty><Nm>Party Eight</Nm></Pty></Dbtr><DbtrAcct><Id><Othr><Id>12345678</Id></Othr></Id></DbtrAcct>') +
          tx('<UltmtDbtr><Pty><Nm>On Behalf</Nm></Pty></UltmtDbtr>'),
        '08',
      ),
    );
    expect(file.version).toBe('001.08');
    expect(file.statements[0]!.lines.map((line) => [line.payerName, line.payerAccount, line.bankTransactionCode, line.customerReference])).toEqual([
      ['Party Eight', '12345678', 'PMNT/RCDT/ESCT', 'OWN-1'],
      ['On Behalf', null, 'PMNT/RCDT/ESCT', 'OWN-1'],
    ]);
  });

  it('joins several Ustrd with a space and keeps every structured reference', () => {
    const file = readCamt(
      camt053(
        entry(`<NtryDtls><TxDtls><RmtInf>
          <Ustrd> Invoice INV-2026-000123 </Ustrd><Ustrd>and INV-2026-000124</Ustrd>
          <Strd><CdtrRefInf><Ref>RF462026000123</Ref></CdtrRefInf></Strd>
          <Strd><CdtrRefInf><Ref>RF192026000124</Ref></CdtrRefInf></Strd>
        </RmtInf></TxDtls></NtryDtls>`),
      ),
    );
    expect(file.statements[0]!.lines[0]).toMatchObject({
      remittanceText: 'Invoice INV-2026-000123 and INV-2026-000124',
      structuredReference: 'RF462026000123',
      structuredReferences: ['RF462026000123', 'RF192026000124'],
    });
  });

  it('takes the date of a DtTm as written, in the bank time zone', () => {
    const file = readCamt(
      camt053(`<Ntry><Amt Ccy="EUR">1</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><DtTm>2026-03-31T23:30:00-05:00</DtTm></BookgDt><ValDt><Dt>2026-04-01</Dt></ValDt></Ntry>`),
    );
    expect(file.statements[0]!.lines[0]).toMatchObject({ bookingDate: '2026-03-31', valueDate: '2026-04-01' });
  });

  it('reads only booked entries, and leaves out zero amounts', () => {
    const file = readCamt(
      camt053(
        entry('', '1.00', 'CRDT', '<Sts>PDNG</Sts>') + entry('', '2.00', 'CRDT', '<Sts>INFO</Sts>') + entry('', '0.00') + entry('', '3.00'),
      ),
    );
    expect(file.statements[0]!.lines.map((line) => [line.amountMinor, line.entry!.index, line.sequence])).toEqual([[300, 4, 1]]);
  });

  it('reads opening and closing booked balances with their sign', () => {
    const balance = (code: string, amount: string, indicator: string): string =>
      `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>${indicator}</CdtDbtInd><Dt><Dt>2026-03-01</Dt></Dt></Bal>`;
    const file = readCamt(camt053('', '02', balance('OPBD', '10.00', 'DBIT') + balance('CLAV', '99.00', 'CRDT') + balance('CLBD', '20.50', 'CRDT')));
    expect(file.statements[0]).toMatchObject({ openingBalanceMinor: -1000, closingBalanceMinor: 2050, lines: [] });
  });

  it('reads extra decimals when they are zeros (the five decimals sample) and refuses any other', () => {
    expect(readCamt(camt053(entry('', '8.85000'))).statements[0]!.lines[0]!.amountMinor).toBe(885);
    const error = errorOf(() => readCamt(camt053(entry('', '8.855'))));
    expect(error.message).toBe('Document/BkToCstmrStmt/Stmt/Ntry/Amt: amount "8.855" has more than the 2 decimals EUR allows');
    expect(error.location).toEqual({ path: 'Document/BkToCstmrStmt/Stmt/Ntry/Amt' });
    expect(readCamt(camt053('<Ntry><Amt Ccy="JPY">1500</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>')).statements[0]!.lines[0]!.amountMinor).toBe(1500);
  });

  it('gives unique line ids when a bank repeats an end-to-end id', () => {
    const tx = entry('<NtryDtls><TxDtls><Refs><EndToEndId>DUP</EndToEndId></Refs></TxDtls></NtryDtls>');
    expect(readCamt(camt053(tx + tx + tx)).statements[0]!.lines.map((line) => line.lineId)).toEqual(['DUP', 'DUP#2', 'DUP#3']);
  });

  it('reads a namespace prefix and every version from 02 to 08', () => {
    for (const version of ['02', '03', '04', '05', '06', '07', '08']) {
      const prefixed = camt053(entry(''), version)
        .replace(/<(\/?)([A-Z])/g, '<$1c:$2')
        .replace('xmlns=', 'xmlns:c=');
      expect(readStatementFile(prefixed)).toMatchObject({ format: 'camt.053', version: `001.${version}` });
    }
  });

  it('reads every version from 01 to 13 of camt.052, camt.053 and camt.054 (issue 17)', () => {
    const layouts = { '052': ['BkToCstmrAcctRpt', 'Rpt'], '053': ['BkToCstmrStmt', 'Stmt'], '054': ['BkToCstmrDbtCdtNtfctn', 'Ntfctn'] } as const;
    for (const [kind, [message, record]] of Object.entries(layouts)) {
      for (let v = 1; v <= 13; v++) {
        const version = String(v).padStart(2, '0');
        const xml = camt053(entry(''), version)
          .replace('camt.053', `camt.${kind}`)
          .replaceAll('BkToCstmrStmt', v === 1 ? `${message}V01` : message)
          .replace(/<(\/?)Stmt>/g, `<$1${record}>`);
        const file = readStatementFile(xml);
        expect([file.format, file.version, file.statements[0]!.lines[0]!.amountMinor], `camt.${kind}.001.${version}`).toEqual([`camt.${kind}`, `001.${version}`, 10000]);
      }
    }
  });

  it('reads a statement without Acct, or whose account has only Othr, with a warning for the missing account', () => {
    const withoutAccount = readStatementFile(camt053(entry('')).replace(/<Acct>.*<\/Acct>/, ''));
    expect(withoutAccount.statements[0]!.account).toBeNull();
    expect(withoutAccount.statements[0]!.lines[0]!.amountMinor).toBe(10000);
    expect(withoutAccount.warnings).toEqual([
      { code: 'missing-account', message: 'Document/BkToCstmrStmt/Stmt/Acct: the statement names no account (no Acct element)', location: { path: 'Document/BkToCstmrStmt/Stmt/Acct' } },
    ]);
    const other = readStatementFile(camt053(entry('')).replace('<IBAN>DE89370400440532013000</IBAN>', '<Othr><Id>0532013000</Id></Othr>'));
    expect(other.statements[0]!.account).toBe('0532013000');
    expect(other.warnings).toEqual([]);
  });

  it('reads a balance without CdtDbtInd as positive, with a warning, and reconciles the statement', () => {
    const balance = (code: string, amount: string): string => `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${amount}</Amt><Dt><Dt>2026-03-01</Dt></Dt></Bal>`;
    const file = readStatementFile(camt053(entry(''), '02', balance('OPBD', '10.00') + balance('CLBD', '100.00')));
    expect(file.statements[0]).toMatchObject({ openingBalanceMinor: 1000, closingBalanceMinor: 10000 });
    expect(file.warnings.map((warning) => warning.code)).toEqual(['balance-without-indicator', 'balance-without-indicator', 'not-reconciled']);
    expect(file.warnings[2]!.message).toBe('statement S1 of account DE89370400440532013000 does not reconcile: opening balance 1000 + credits - debits = 11000, closing balance 10000 (minor units)');
  });

  it('reads the BAI balance codes 010 and 015 written as proprietary balance types (Bank of Montreal), and no other proprietary code', () => {
    const balance = (type: string, amount: string, indicator = 'CRDT'): string =>
      `<Bal><Tp><CdOrPrtry>${type}</CdOrPrtry></Tp><Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>${indicator}</CdtDbtInd><Dt><Dt>2026-03-01</Dt></Dt></Bal>`;
    const bai = balance('<Prtry>015</Prtry>', '150.00') + balance('<Prtry>040</Prtry>', '999.00') + balance('<Prtry>010</Prtry>', '50.00');
    const file = readStatementFile(camt053(entry(''), '02', bai));
    expect(file.statements[0]).toMatchObject({ openingBalanceMinor: 5000, closingBalanceMinor: 15000 });
    expect(file.warnings).toEqual([]);
    // An ISO code comes first; a proprietary code that is not 010/015 is no opening or closing balance.
    const iso = readStatementFile(camt053(entry(''), '02', balance('<Cd>OPBD</Cd>', '10.00', 'DBIT') + balance('<Prtry>010</Prtry>', '50.00') + balance('<Prtry>BOOKED</Prtry>', '90.00')));
    expect(iso.statements[0]).toMatchObject({ openingBalanceMinor: -1000, closingBalanceMinor: null });
  });

  it('reads amounts and dates in the variants the schema allows: "+100.00", ".50", a date with a time zone', () => {
    const file = readStatementFile(camt053(entry('', '+100.00').replace('<Dt>2026-03-02</Dt>', '<Dt>2026-03-02+01:00</Dt>') + entry('', '.50')));
    expect(file.statements[0]!.lines.map((line) => [line.amountMinor, line.bookingDate])).toEqual([
      [10000, '2026-03-02'],
      [50, '2026-03-02'],
    ]);
  });

  it('reads the first statement of the multi-statement sample, which the peer dump lost', () => {
    const file = readCamt(fs.readFileSync(path.join(samples, 'camt053.v2.multi.statement.xml'), 'utf8'));
    expect(file.statements.map((statement) => [statement.statementId, statement.openingBalanceMinor, statement.closingBalanceMinor])).toEqual([
      ['253EURNL26VAYB8060476890', 1815, 2700],
      ['254EURNL26VAYB8060476890', 2700, 2000],
    ]);
    expect(file.statements[0]!.lines).toEqual([
      expect.objectContaining({
        sequence: 1,
        lineId: '000000001',
        direction: 'credit',
        amountMinor: 885,
        currency: 'EUR',
        bookingDate: '2014-12-31',
        valueDate: '2015-01-02',
        endToEndId: '000000001',
        remittanceText: 'Transaction Description 1',
        bankTransactionCode: '544',
      }),
    ]);
    expect(file.statements[1]!.lines[0]).toMatchObject({ sequence: 2, direction: 'debit', amountMinor: 700 });
  });

  describe('rejects a file that cannot be read, naming the place', () => {
    const cases: [string, string, RegExp, Record<string, unknown>][] = [
      ['not well-formed XML', camt053(entry('')).replace('</Stmt>', ''), /^line \d+: not well-formed XML/, { line: expect.any(Number) }],
      ['an entry without amount', camt053('<Ntry><CdtDbtInd>CRDT</CdtDbtInd></Ntry>'), /^Document\/BkToCstmrStmt\/Stmt\/Ntry\/Amt: required element Amt is missing$/, { path: 'Document/BkToCstmrStmt/Stmt/Ntry/Amt' }],
      ['an amount without currency', camt053('<Ntry><Amt>1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>'), /Ntry\/Amt: the amount has no Ccy attribute/, {}],
      ['an unknown currency', camt053('<Ntry><Amt Ccy="EURO">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>'), /Ntry\/Amt: "EURO" is not an ISO 4217 currency code/, {}],
      ['a negative amount', camt053(entry('', '-1.00')), /Ntry\/Amt: amount "-1.00" is not a decimal number/, {}],
      ['a bad credit/debit indicator', camt053(entry('', '1.00', 'CREDIT')), /Ntry\/CdtDbtInd: CdtDbtInd is "CREDIT", expected CRDT or DBIT/, {}],
      ['a bad date', camt053(entry('')).replace('2026-03-02', '2026-02-30'), /Ntry\/BookgDt\/Dt: "2026-02-30" is not a date/, {}],
      ['a DOCTYPE with entities', camt053(entry('')).replace('<Document', '<!DOCTYPE Document [<!ENTITY a "aaaa">]>\n<Document'), /^line 2: a DOCTYPE declaration is not allowed in a camt file$/, { line: 2 }],
      ['an unsupported version', camt053(entry(''), '14'), /^Document: camt\.053\.001\.14 is not supported; versions 001\.01 to 001\.13 are read$/, {}],
      ['a transaction amount that is not a number', camt053(entry('<NtryDtls><TxDtls><Amt Ccy="EUR">x</Amt></TxDtls><TxDtls><Amt Ccy="EUR">1</Amt></TxDtls></NtryDtls>')), /Ntry\/NtryDtls\/TxDtls\[1\]\/Amt: amount "x" is not a decimal number/, {}],
    ];
    for (const [what, content, message, location] of cases) {
      it(what, () => {
        const error = errorOf(() => readStatementFile(content, { fileName: 'statement.xml' }));
        expect(error.message.startsWith('statement.xml: ')).toBe(true);
        expect(error.message.slice('statement.xml: '.length)).toMatch(message);
        expect(error.location).toMatchObject({ file: 'statement.xml', ...location });
      });
    }

    it('a syntax error after blank lines before the declaration: the line counts them', () => {
      const broken = camt053(entry('')).replace('</Stmt>', '');
      const line = errorOf(() => readCamt(broken)).location.line!;
      expect(errorOf(() => readCamt(`\n\n${broken}`)).location.line).toBe(line + 2);
      expect(readCamt(`\r\n  ${camt053(entry(''))}`).statements[0]!.lines).toHaveLength(1);
    });

    it('the invalid sample camt053.v2.wrong.xml: a message without statement', () => {
      const error = errorOf(() => readStatementFile(fs.readFileSync(path.join(samples, 'camt053.v2.wrong.xml'), 'utf8'), { fileName: 'camt053.v2.wrong.xml' }));
      expect(error.message).toBe('camt053.v2.wrong.xml: Document/BkToCstmrStmt/Stmt: a camt.053 message needs at least one Stmt element, this one has none');
      expect(error.location).toEqual({ path: 'Document/BkToCstmrStmt/Stmt', file: 'camt053.v2.wrong.xml' });
    });
  });
});
