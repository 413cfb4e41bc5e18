/**
 * "Nothing moves twice" for bank statements, as use cases over the in-memory ports: a line is known
 * by its content and its occurrence that day, never by its place in the file, so overlapping
 * exports (CSV, MT940 with NONREF, camt without references) apply each real line once; a statement
 * seen before is recognised by the identity the bank gave it even when its bytes differ; lines
 * and statements recorded under the earlier scheme (position-based line key, content-hash
 * statement id) are still recognised.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { aCustomer, anInvoice } from '../../support/builders';
import { cashWorld, type CashWorld } from '../../support/in-memory-cash';
import { getStatement, uploadStatement } from '../../../lambdas/core/cash-application/remittances';
import { legacyStatementLineKey, statementIdFor, statementIdOf, statementLineKeys } from '../../../lambdas/core/cash-application/application';
import { readStatementFile } from '../../../lambdas/core/bank-statements/read-statement-file';
import { ledgerCheck } from '../../../lambdas/core/reports/ledger-check';
import { journal } from '../../../lambdas/core/ledger/ledger';
import type { Invoice } from '../../../lambdas/core/invoices/invoice';
import type { LineResult } from '../../../lambdas/core/cash-application/application';

let world: CashWorld;
let invoices: Invoice[];

function seedInvoice(invoice: Invoice): Invoice {
  world.invoices.seed(invoice, world.workflow.newTaskToken(`payment-${invoice.invoiceId}`));
  world.tables.post(
    journal(`invoice-${invoice.invoiceId}`, 'InvoiceIssued', invoice.issuedAt, [
      { account: 'receivables', side: 'debit', amount: { minor: invoice.totalMinor, currency: invoice.currency }, reference: invoice.invoiceId },
      { account: 'revenue', side: 'credit', amount: { minor: invoice.totalMinor, currency: invoice.currency }, reference: invoice.invoiceId },
    ]),
  );
  return invoice;
}

beforeEach(() => {
  world = cashWorld({ start: '2026-03-12T09:00:00Z' });
  world.customers.seed(aCustomer({ customerId: 'C-1', name: 'Acme Retail GmbH' }));
  invoices = [1, 2, 3, 4, 5, 6].map((n) => seedInvoice(anInvoice({ invoiceId: `I-${n}`, sequence: n, customerId: 'C-1', totalMinor: 10_000 * n })));
});

/** The number invoice I-n is printed with (the same in every world). */
const number = (n: number) => anInvoice({ sequence: n }).number;
const balances = () => [...world.tables.invoices.values()].map((i) => [i.invoiceId, i.balanceMinor]);

/** What must not change when nothing is applied: payments, journal rows, balances. */
function snapshot() {
  return { payments: world.tables.payments.size, ledger: world.tables.ledger.length, balances: balances() };
}

const HEADER = 'date,amount,currency,reference,payer_name,payer_account';
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n') + '\n';

describe('overlapping exports apply each real line once', () => {
  it('CSV: yesterday’s and today’s export both hold day D; D’s lines, two equal payments included, are applied once', async () => {
    // Prepare: two equal payments from an unknown payer on the 10th; the lines of the 10th are
    // lines 2-4 of yesterday's export and lines 1-3 of today's
    const ninth = `2026-03-09,100.00,EUR,${number(1)},Acme Retail GmbH,DE44500105175407324931`;
    const tenth = [
      `2026-03-10,200.00,EUR,${number(2)},Acme Retail GmbH,DE44500105175407324931`,
      '2026-03-10,77.77,EUR,March,Unknown Person,GB29NWBK60161331926819',
      '2026-03-10,77.77,EUR,March,Unknown Person,GB29NWBK60161331926819',
    ];
    const eleventh = `2026-03-11,300.00,EUR,${number(3)},Acme Retail GmbH,DE44500105175407324931`;
    const yesterday = await uploadStatement(world.remittanceDeps, csv(ninth, ...tenth));
    const before = snapshot();

    // Act
    const today = await uploadStatement(world.remittanceDeps, csv(...tenth, eleventh));

    // Assess: the 10th's lines are known, with the outcome and payment yesterday's upload recorded
    expect(yesterday.body).toMatchObject({ seenBefore: false, lastUpload: { newlyRecorded: 4, alreadyRecorded: 0 } });
    expect(today.body).toMatchObject({ seenBefore: false, status: 'completed', total: 4, processed: 4, lastUpload: { newlyRecorded: 1, alreadyRecorded: 3 } });
    expect(today.body.statementId).not.toBe(yesterday.body.statementId);
    expect(today.body.lines.map((l) => [l.lineId, l.alreadyRecorded, l.recordedIn])).toEqual([
      ['line-1', true, yesterday.body.statementId],
      ['line-2', true, yesterday.body.statementId],
      ['line-3', true, yesterday.body.statementId],
      ['line-4', false, today.body.statementId],
    ]);
    expect(today.body.lines.slice(0, 3).map((l) => l.paymentId)).toEqual(yesterday.body.lines.slice(1, 4).map((l) => l.paymentId));
    // Two equal payments were two payments yesterday, and still are
    expect(new Set(yesterday.body.lines.map((l) => l.paymentId)).size).toBe(4);
    expect(world.tables.payments.size).toBe(before.payments + 1);
    expect(world.tables.invoices.get('I-2')!.balanceMinor).toBe(0);
    expect(world.tables.invoices.get('I-3')!.balanceMinor).toBe(0);
    expect(await ledgerCheck(world.deps)).toMatchObject({ balanced: true, problems: [] });
  });

  it('MT940: two files whose lines have NONREF and no bank reference; the shared day is applied once', async () => {
    // Prepare: the 9th has two equal payments; today's file puts the 10th's statement first, so the
    // 9th's lines are lines 2-3 of one file and lines 1-2 of the other
    const statement = (reference: string, number: string, day: string, opening: string, lines: string[], closing: string) => [
      `:20:${reference}`, ':25:DE89370400440532013000', `:28C:${number}`, `:60F:C${day}EUR${opening}`, ...lines, `:62F:C${day}EUR${closing}`, '-',
    ];
    const ninthLines = [
      `:61:2603090309C100,00NTRFNONREF`, `:86:Rechnung ${number(1)}`,
      ':61:2603090309C55,00NTRFNONREF', ':86:Abschlag Maerz',
      ':61:2603090309C55,00NTRFNONREF', ':86:Abschlag Maerz',
    ];
    const ninth = statement('STARTUMS', '1', '260309', '0,', ninthLines, '210,00');
    const tenth = statement('STARTUMS', '2', '260310', '210,00', [`:61:2603100310C200,00NTRFNONREF`, `:86:Rechnung ${number(2)}`], '410,00');
    const first = await uploadStatement(world.remittanceDeps, ninth.join('\n'));
    const before = snapshot();

    // Act
    const second = await uploadStatement(world.remittanceDeps, [...tenth, ...ninth].join('\r\n'));

    // Assess
    expect(first.body).toMatchObject({ format: 'mt940', lastUpload: { newlyRecorded: 3, alreadyRecorded: 0 } });
    expect(second.body).toMatchObject({ seenBefore: false, lastUpload: { newlyRecorded: 1, alreadyRecorded: 3 } });
    expect(second.body.lines.map((l) => [l.lineId, l.alreadyRecorded])).toEqual([
      ['line-1', false],
      ['line-2', true],
      ['line-3', true],
      ['line-4', true],
    ]);
    expect(second.body.lines.slice(1).map((l) => l.paymentId)).toEqual(first.body.lines.map((l) => l.paymentId));
    expect(world.tables.payments.size).toBe(before.payments + 1);
    expect(world.tables.invoices.get('I-1')!.balanceMinor).toBe(0);
    expect(await ledgerCheck(world.deps)).toMatchObject({ balanced: true });
  });

  it('camt: two notifications whose entries carry no reference at all; the entries they share are applied once', async () => {
    // Prepare: entries without AcctSvcrRef, NtryRef or EndToEndId (line ids line-<n>)
    const entry = (amount: string, text: string, payer: string) => `
      <Ntry><Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-03-10</Dt></BookgDt>
        <NtryDtls><TxDtls><RltdPties><Dbtr><Nm>${payer}</Nm></Dbtr></RltdPties><RmtInf><Ustrd>${text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`;
    const notification = (messageId: string, entries: string[]) => `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn>
  <GrpHdr><MsgId>${messageId}</MsgId><CreDtTm>2026-03-10T18:00:00</CreDtTm></GrpHdr>
  <Ntfctn><Id>${messageId}-1</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>${entries.join('')}</Ntfctn>
</BkToCstmrDbtCdtNtfctn></Document>`;
    const x = entry('400.00', `Invoice ${number(4)}`, 'Acme Retail GmbH');
    const y = entry('12.34', 'donation', 'Somebody Else');
    const z = entry('500.00', `Invoice ${number(5)}`, 'Acme Retail GmbH');
    const first = await uploadStatement(world.remittanceDeps, notification('NTF-A', [x, y]));
    const before = snapshot();

    // Act
    const second = await uploadStatement(world.remittanceDeps, notification('NTF-B', [z, x, y]));

    // Assess
    expect(first.body.lines.map((l) => l.lineId)).toEqual(['line-1', 'line-2']);
    expect(second.body).toMatchObject({ seenBefore: false, lastUpload: { newlyRecorded: 1, alreadyRecorded: 2 } });
    expect(second.body.lines.map((l) => [l.lineId, l.alreadyRecorded])).toEqual([
      ['line-1', false],
      ['line-2', true],
      ['line-3', true],
    ]);
    expect(world.tables.payments.size).toBe(before.payments + 1);
    expect(world.tables.invoices.get('I-4')!.balanceMinor).toBe(0);
    expect(world.tables.invoices.get('I-5')!.balanceMinor).toBe(0);
    expect(await ledgerCheck(world.deps)).toMatchObject({ balanced: true });
  });
});

describe('a statement seen before is recognised, whatever its bytes', () => {
  const camt053 = (created: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>STMT-2026-03-10</MsgId><CreDtTm>${created}</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-2026-03-10-1</Id><ElctrncSeqNb>69</ElctrncSeqNb><CreDtTm>${created}</CreDtTm>
      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>
      <Ntry><Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-03-10</Dt></BookgDt><AcctSvcrRef>REF-1</AcctSvcrRef>
        <NtryDtls><TxDtls><RmtInf><Ustrd>Invoice ${number(1)}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
      <Ntry><Amt Ccy="EUR">200.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-03-10</Dt></BookgDt>
        <NtryDtls><TxDtls><RmtInf><Ustrd>Invoice ${number(2)}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
`;
  const mt940 = [':20:940S260310', ':25:NL71RABO0123456789', ':28C:0', ':60F:C260309EUR0,00', ':61:2603100310C300,00NTRFNONREF', `:86:/REMI/${number(3)}`, ':62F:C260310EUR300,00', '-'].join('\n');
  const bai2 = ['01,SENDER,RECEIVER,260310,0800,FILE-7,,,2/', '02,RECEIVER,SENDER,1,260310,,EUR,2/', '03,ACC-1,EUR,/', `16,175,40000,,BANKREF-1,,${number(4)}/`, '49,40000,3/', '98,40000,1,5/', '99,40000,1,7/'].join('\n');

  it.each([
    ['camt.053 with another creation time and CRLF line endings', camt053('2026-03-10T18:00:00+01:00'), crlfOf(camt053('2026-03-11T07:12:45+01:00'))],
    ['MT940 with CRLF line endings, trailing blanks and a bank header', mt940, crlfOf(`RABONL2U\n940\n${mt940.replace(/\n/g, '  \n')}`)],
    ['BAI2 with CRLF line endings', bai2, crlfOf(bai2)],
  ])('%s: the same statement, nothing applied twice, seenBefore', async (_what, original, reexport) => {
    // Prepare
    expect(reexport).not.toBe(original);
    const first = await uploadStatement(world.remittanceDeps, original);
    const before = snapshot();

    // Act
    const again = await uploadStatement(world.remittanceDeps, reexport);

    // Assess
    expect(first).toMatchObject({ created: true, body: { seenBefore: false } });
    expect(first.body.statementId).not.toBe(statementIdFor(original));
    expect(again).toMatchObject({ created: false, complete: true });
    expect(again.body).toMatchObject({ statementId: first.body.statementId, seenBefore: true, uploads: 2, status: 'completed', lastUpload: { newlyRecorded: 0, alreadyRecorded: first.body.total } });
    expect(again.body.identity).toBe(readStatementFile(original).fileIdentity);
    expect(again.body.lines.every((l) => l.alreadyRecorded === true && l.recordedIn === first.body.statementId)).toBe(true);
    expect(snapshot()).toEqual(before);
    expect(world.cash.statements.size).toBe(1);
  });

  it('CSV names nothing: the same bytes are the statement seen before; another export is another statement whose lines are known', async () => {
    // Prepare
    const file = csv(`2026-03-10,100.00,EUR,${number(1)},Acme Retail GmbH,DE44500105175407324931`);
    const first = await uploadStatement(world.remittanceDeps, file);
    const before = snapshot();

    // Act
    const same = await uploadStatement(world.remittanceDeps, file);
    const reexport = await uploadStatement(world.remittanceDeps, crlfOf(file));

    // Assess
    expect(first.body).toMatchObject({ statementId: statementIdFor(file), identity: null, seenBefore: false });
    expect(same.body).toMatchObject({ statementId: first.body.statementId, seenBefore: true, lastUpload: { newlyRecorded: 0, alreadyRecorded: 1 } });
    expect(reexport.body).toMatchObject({ seenBefore: false, lastUpload: { newlyRecorded: 0, alreadyRecorded: 1 } });
    expect(reexport.body.statementId).not.toBe(first.body.statementId);
    expect(reexport.body.lines[0]).toMatchObject({ alreadyRecorded: true, recordedIn: first.body.statementId });
    expect(snapshot()).toEqual(before);
  });
});

describe('lines and statements recorded under the earlier scheme', () => {
  /**
   * Rewrites what an upload stored as the earlier version would have stored it: every line
   * identity under `legacyStatementLineKey` and the statement under its content hash.
   */
  function asRecordedBeforeIdentity(content: string) {
    const file = readStatementFile(content);
    const keys = statementLineKeys(file.statements);
    const id = statementIdOf(file, content);
    const old = statementIdFor(content);
    const renamed = new Map<string, string>();
    for (const statement of file.statements) {
      for (const line of statement.lines) {
        const current = keys.get(line.sequence)!;
        const result = world.cash.statementLines.get(current);
        if (!result) continue;
        const legacy = legacyStatementLineKey(line, statement.account);
        renamed.set(current, legacy);
        world.cash.statementLines.delete(current);
        world.cash.statementLines.set(legacy, { ...result, lineKey: legacy, statementId: old });
      }
    }
    if (id !== old) {
      const { identity: _identity, ...record } = world.cash.statements.get(id)!;
      world.cash.statements.delete(id);
      world.cash.statements.set(old, { ...record, statementId: old });
      world.cash.lineResults.set(old, new Map([...world.cash.lineResults.get(id)!].map(([n, r]): [number, LineResult] => [n, { ...r, statementId: old, lineKey: renamed.get(r.lineKey) ?? r.lineKey }])));
      world.cash.lineResults.delete(id);
    }
    return old;
  }

  const camt = (created: string, lineEnd = '\n') =>
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.04"><BkToCstmrDbtCdtNtfctn>',
      `<GrpHdr><MsgId>NTF-OLD</MsgId><CreDtTm>${created}</CreDtTm></GrpHdr>`,
      '<Ntfctn><Id>NTF-OLD-1</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>',
      `<Ntry><Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-03-10</Dt></BookgDt><AcctSvcrRef>OLD-REF-1</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Ustrd>${number(1)}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`,
      `<Ntry><Amt Ccy="EUR">200.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-03-10</Dt></BookgDt><NtryDtls><TxDtls><RmtInf><Ustrd>${number(2)}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`,
      '</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>',
    ].join(lineEnd);

  it('a statement recorded under its content hash and its lines under the earlier key: uploaded again, it is continued and nothing is applied', async () => {
    // Prepare
    const file = camt('2026-03-10T18:00:00');
    await uploadStatement(world.remittanceDeps, file);
    const oldId = asRecordedBeforeIdentity(file);
    const before = snapshot();

    // Act
    const again = await uploadStatement(world.remittanceDeps, file);

    // Assess
    expect(again).toMatchObject({ created: false, body: { statementId: oldId, seenBefore: true, uploads: 2, lastUpload: { newlyRecorded: 0, alreadyRecorded: 2 } } });
    expect(again.body.lines.every((l) => l.alreadyRecorded && l.recordedIn === oldId)).toBe(true);
    expect(snapshot()).toEqual(before);
    expect(world.cash.statements.size).toBe(1);
    expect((await getStatement(world.remittanceDeps, oldId, {})).lines).toHaveLength(2);
  });

  it('its lines in a re-export (other bytes, another statement id): found by the earlier key, nothing applied', async () => {
    // Prepare
    const file = camt('2026-03-10T18:00:00');
    await uploadStatement(world.remittanceDeps, file);
    const oldId = asRecordedBeforeIdentity(file);
    const before = snapshot();

    // Act: the re-export is recognised by its identity, but no statement has that id yet
    const reexport = await uploadStatement(world.remittanceDeps, camt('2026-03-11T06:00:00', '\r\n'));

    // Assess
    expect(reexport.body).toMatchObject({ seenBefore: false, lastUpload: { newlyRecorded: 0, alreadyRecorded: 2 } });
    expect(reexport.body.statementId).not.toBe(oldId);
    expect(reexport.body.lines.map((l) => [l.alreadyRecorded, l.recordedIn])).toEqual([
      [true, oldId],
      [true, oldId],
    ]);
    expect(snapshot()).toEqual(before);
  });

  it('CSV lines recorded under the earlier (position) key: the same file again applies nothing', async () => {
    // Prepare
    const file = csv(`2026-03-10,100.00,EUR,${number(1)},Acme Retail GmbH,`, '2026-03-10,5.00,EUR,tip,Somebody,');
    await uploadStatement(world.remittanceDeps, file);
    asRecordedBeforeIdentity(file);
    expect([...world.cash.statementLines.keys()].every((k) => k.startsWith('-|line-'))).toBe(true);
    const before = snapshot();

    // Act
    const again = await uploadStatement(world.remittanceDeps, file);

    // Assess
    expect(again.body).toMatchObject({ seenBefore: true, lastUpload: { newlyRecorded: 0, alreadyRecorded: 2 } });
    expect(snapshot()).toEqual(before);
  });
});

function crlfOf(content: string): string {
  return content.replace(/\r?\n/g, '\r\n');
}

describe('the identity kept on the statement record', () => {
  it('is cut for a file of many statements, while the id still comes from all of it', async () => {
    // Prepare: 40 MT940 statements of one account, one a day (YYMMDD); and the same file without its last one
    const statements = Array.from({ length: 40 }, (_, i) => {
      const date = `26${String(Math.floor(i / 28) + 1).padStart(2, '0')}${String((i % 28) + 1).padStart(2, '0')}`;
      return [`:20:STARTUMS`, ':25:DE89370400440532013000', `:28C:${i + 1}`, `:60F:C${date}EUR${i},00`, `:61:${date}C1,00NTRFNONREF`, `:86:day ${i + 1}`, `:62F:C${date}EUR${i + 1},00`, '-'].join('\n');
    });
    const file = statements.join('\n');
    const shorter = statements.slice(0, 39).join('\n');

    // Act
    const outcome = await uploadStatement(world.remittanceDeps, file);
    const other = await uploadStatement(world.remittanceDeps, shorter);

    // Assess
    const identity = readStatementFile(file).fileIdentity!;
    expect(identity.length).toBeGreaterThan(1000);
    expect(outcome.body.identity).toHaveLength(1000);
    expect(outcome.body.identity).toBe(`${identity.slice(0, 999)}…`);
    expect(outcome.body.statementId).toBe(statementIdOf({ fileIdentity: identity }, file));
    expect(other.body).toMatchObject({ seenBefore: false, lastUpload: { newlyRecorded: 0, alreadyRecorded: 39 } });
    expect(other.body.statementId).not.toBe(outcome.body.statementId);
  });
});

describe('a line read differently after a reader changed', () => {
  // mBank's MT940 as an earlier reader read it (Polish letters in Windows-1252, no payer) and as the
  // reader reads it now: the same statement (:20:, :25:, :28C:, balances), the same lines, other
  // text and payer, so other content keys.
  const statement = (text: string, lines = 2) =>
    [
      ':20:ST260310CYC/1',
      ':25:PL45114011370000310211001001',
      ':28C:107/1',
      ':60F:C260309EUR0,00',
      ...[1, 2].slice(0, lines).flatMap((n) => [`:61:2603100310C${100 * n},00NTRFNONREF//EL004391-00${n}`, `:86:911 TRANSAKCJA; Z RACH.: 04105014611000002345271577; OD: ${text} SP. Z O.O.; TYT.: ${number(n)}`]),
      `:62F:C260310EUR${lines === 2 ? 300 : 100},00`,
      '-',
    ].join('\n');

  it('is known again at its place in the same statement, and under its new reading from then on', async () => {
    // Prepare: the statement applied under the earlier reading
    const first = await uploadStatement(world.remittanceDeps, statement('ZAK£AD US£UG'));
    const before = snapshot();
    expect(first.body).toMatchObject({ lastUpload: { newlyRecorded: 2, alreadyRecorded: 0 } });
    expect(statementLineKeys(readStatementFile(statement('ZAKŁAD USŁUG')).statements)).not.toEqual(statementLineKeys(readStatementFile(statement('ZAK£AD US£UG')).statements));

    // Act: the same statement read the new way, then another export holding its first line
    const again = await uploadStatement(world.remittanceDeps, statement('ZAKŁAD USŁUG'));
    const other = await uploadStatement(world.remittanceDeps, statement('ZAKŁAD USŁUG', 1).replace(':28C:107/1', ':28C:108/1'));

    // Assess: nothing applied twice
    expect(again.body).toMatchObject({ statementId: first.body.statementId, seenBefore: true, lastUpload: { newlyRecorded: 0, alreadyRecorded: 2 } });
    expect(again.body.lines.map((l) => [l.alreadyRecorded, l.recordedIn, l.paymentId])).toEqual(first.body.lines.map((l) => [true, first.body.statementId, l.paymentId]));
    expect(other.body).toMatchObject({ seenBefore: false, lastUpload: { newlyRecorded: 0, alreadyRecorded: 1 } });
    expect(snapshot()).toEqual(before);
  });

  it('is new when its place holds another amount', async () => {
    // Prepare
    await uploadStatement(world.remittanceDeps, statement('ZAK£AD US£UG'));
    const before = snapshot();

    // Act: the same statement identity (same balances) whose two lines are 150.00 each, read the new way
    const changed = statement('ZAKŁAD USŁUG').replace('C100,00NTRF', 'C150,00NTRF').replace('C200,00NTRF', 'C150,00NTRF');
    const again = await uploadStatement(world.remittanceDeps, changed);

    // Assess: the statement is the one seen before, but its places hold other lines: they are new
    expect(again.body).toMatchObject({ seenBefore: true, lastUpload: { newlyRecorded: 2, alreadyRecorded: 0 } });
    expect(world.tables.payments.size).toBe(before.payments + 2);
  });
});
