import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { bookingsOf, datevBuchungsstapel, DATEV_COLUMNS, documentIdsOf, exportTotals, journalCsv, journalsOf, type JournalDocuments, type LedgerLineRecord } from '../../../lambdas/core/journals/journal-export';
import { datevSettingsFrom, defaultDatevSettings } from '../../../lambdas/core/journals/datev-settings';
import { ConflictError } from '../../../lambdas/core/errors';

const TZ = 'Europe/Berlin';

function line(journalId: string, lineNo: number, event: string, postedAt: string, account: LedgerLineRecord['account'], side: 'debit' | 'credit', amountMinor: number, reference: string, extra: Partial<LedgerLineRecord> = {}): LedgerLineRecord {
  return { journalId, lineNo, event, postedAt, originalPostedAt: null, account, side, amountMinor, currency: 'EUR', reference, reasonCode: null, ...extra };
}

/** A month: an invoice with tax, a payment, a credit note, dunning charges, a write-off, and a payment moved out of a closed period. */
const lines: LedgerLineRecord[] = [
  line('invoice-I-1', 1, 'InvoiceIssued', '2026-11-03T09:00:00.000Z', 'receivables', 'debit', 11_900, 'I-1'),
  line('invoice-I-1', 2, 'InvoiceIssued', '2026-11-03T09:00:00.000Z', 'revenue', 'credit', 10_000, 'I-1'),
  line('invoice-I-1', 3, 'InvoiceIssued', '2026-11-03T09:00:00.000Z', 'tax-payable', 'credit', 1_900, 'I-1'),
  line('payment-P-1', 1, 'PaymentReceived', '2026-11-10T09:00:00.000Z', 'cash', 'debit', 5_000, 'P-1'),
  line('payment-P-1', 2, 'PaymentReceived', '2026-11-10T09:00:00.000Z', 'receivables', 'credit', 5_000, 'I-1'),
  line('credit-note-CN-9', 1, 'CreditNoteIssued', '2026-11-12T09:00:00.000Z', 'revenue', 'debit', 1_000, 'I-1'),
  line('credit-note-CN-9', 2, 'CreditNoteIssued', '2026-11-12T09:00:00.000Z', 'tax-payable', 'debit', 190, 'I-1'),
  line('credit-note-CN-9', 3, 'CreditNoteIssued', '2026-11-12T09:00:00.000Z', 'receivables', 'credit', 1_190, 'I-1'),
  line('dunning-charges-I-1-L1', 1, 'DunningChargesPosted', '2026-11-20T09:00:00.000Z', 'receivables', 'debit', 500, 'I-1-C'),
  line('dunning-charges-I-1-L1', 2, 'DunningChargesPosted', '2026-11-20T09:00:00.000Z', 'dunning-fee-income', 'credit', 500, 'I-1-C'),
  line('write-off-I-1-1', 1, 'InvoiceWrittenOff', '2026-11-28T09:00:00.000Z', 'bad-debt-expense', 'debit', 6_210, 'I-1', { reasonCode: 'uncollectable' }),
  line('write-off-I-1-1', 2, 'InvoiceWrittenOff', '2026-11-28T09:00:00.000Z', 'receivables', 'credit', 5_710, 'I-1'),
  line('write-off-I-1-1', 3, 'InvoiceWrittenOff', '2026-11-28T09:00:00.000Z', 'receivables', 'credit', 500, 'I-1-C'),
];

const docs: JournalDocuments = {
  invoiceNumbers: new Map([['I-1', 'INV-2026-000001']]),
  creditNoteNumbers: new Map([['CN-9', 'CN-2026-000003']]),
  paymentReferences: new Map([['P-1', 'RF18 Müller & Söhne']]),
};

describe('the documents of the lines', () => {
  it('are looked up by the invoice, credit note and payment ids the lines name', () => {
    expect(documentIdsOf(lines)).toEqual({ invoiceIds: ['I-1', 'P-1'], creditNoteIds: ['CN-9'], paymentIds: ['I-1', 'P-1'] });
  });
});

describe('DATEV bookings of a journal', () => {
  const journals = journalsOf(lines);

  it('book each line of the many side against the single line of the other side, with its own Soll/Haben', () => {
    const invoice = bookingsOf(journals[0]!);
    expect(invoice.map((b) => [b.amountMinor, b.side, b.konto, b.gegenkonto])).toEqual([
      [10_000, 'H', 'revenue', 'receivables'],
      [1_900, 'H', 'tax-payable', 'receivables'],
    ]);
    const credit = bookingsOf(journals[2]!);
    expect(credit.map((b) => [b.amountMinor, b.side, b.konto, b.gegenkonto])).toEqual([
      [1_000, 'S', 'revenue', 'receivables'],
      [190, 'S', 'tax-payable', 'receivables'],
    ]);
  });

  it('book a two-line journal once, its debit account as Konto', () => {
    expect(bookingsOf(journals[1]!).map((b) => [b.amountMinor, b.side, b.konto, b.gegenkonto])).toEqual([[5_000, 'S', 'cash', 'receivables']]);
  });

  it('sum to the debits of the journal (and so of the export) for every journal', () => {
    for (const j of journals) {
      const debits = j.filter((l) => l.side === 'debit').reduce((a, l) => a + l.amountMinor, 0);
      expect(bookingsOf(j).reduce((a, b) => a + b.amountMinor, 0)).toBe(debits);
    }
    // Pairs in order when both sides have several lines.
    const many = [line('j', 1, 'X', 't', 'cash', 'debit', 700, 'a'), line('j', 2, 'X', 't', 'cash', 'debit', 300, 'b'), line('j', 3, 'X', 't', 'revenue', 'credit', 400, 'c'), line('j', 4, 'X', 't', 'revenue', 'credit', 600, 'd')];
    expect(bookingsOf(many).map((b) => b.amountMinor)).toEqual([400, 300, 300]);
  });
});

describe('the CSV export', () => {
  const csv = journalCsv(lines, docs, TZ);
  const rows = parse(csv, { columns: true }) as Record<string, string>[];

  it('has one row per journal line, CRLF, with the ids and document it came from', () => {
    expect(csv.split('\r\n')[0]).toBe('journalId,line,event,bookingDate,originalDate,account,side,debit,credit,currency,reference,sourceType,sourceId,documentNumber,reasonCode');
    expect(rows).toHaveLength(lines.length);
    expect(rows[0]).toEqual({ journalId: 'invoice-I-1', line: '1', event: 'InvoiceIssued', bookingDate: '2026-11-03', originalDate: '', account: 'receivables', side: 'debit', debit: '119.00', credit: '', currency: 'EUR', reference: 'I-1', sourceType: 'invoice', sourceId: 'I-1', documentNumber: 'INV-2026-000001', reasonCode: '' });
    expect(rows.map((r) => `${r.journalId} ${r.sourceType} ${r.sourceId} ${r.documentNumber}`)).toContain('payment-P-1 payment P-1 RF18 Müller & Söhne');
    expect(rows.map((r) => `${r.journalId} ${r.sourceType} ${r.documentNumber}`)).toContain('credit-note-CN-9 credit-note CN-2026-000003');
    expect(rows.map((r) => `${r.journalId} ${r.sourceType} ${r.sourceId} ${r.documentNumber}`)).toContain('dunning-charges-I-1-L1 charge I-1-C INV-2026-000001');
    expect(rows.find((r) => r.journalId === 'write-off-I-1-1')?.reasonCode).toBe('uncollectable');
  });

  it('shows the original date of a journal moved out of a closed period', () => {
    const moved = journalCsv([line('payment-P-2', 1, 'PaymentReceived', '2026-11-30T23:00:00.000Z', 'cash', 'debit', 100, 'P-2', { originalPostedAt: '2026-11-30T15:00:00.000Z' })], docs, TZ);
    expect(moved.split('\r\n')[1]).toMatch(/^payment-P-2,1,PaymentReceived,2026-12-01,2026-11-30,cash,debit,1\.00,,EUR,P-2,/);
  });

  it('has totals equal to the lines: debits, credits and the receivables balance', () => {
    const sum = (col: 'debit' | 'credit') => rows.reduce((a, r) => a + Math.round(Number(r[col] || 0) * 100), 0);
    expect(sum('debit')).toBe(exportTotals(lines).EUR!.debitMinor);
    expect(sum('credit')).toBe(exportTotals(lines).EUR!.creditMinor);
    expect(exportTotals(lines).EUR).toEqual({ debitMinor: 24_800, creditMinor: 24_800, receivablesMinor: 0 });
  });
});

describe('the DATEV Buchungsstapel', () => {
  const batch = { from: '2026-11-01', to: '2026-11-30', createdAt: new Date('2026-12-01T08:15:30.123Z'), closed: true };
  const bytes = datevBuchungsstapel(lines, docs, defaultDatevSettings, batch, TZ);
  const text = iconv.decode(Buffer.from(bytes), 'win1252');
  const records = text.split('\r\n');

  it('is Windows-1252, CRLF, ending in CRLF', () => {
    expect(Buffer.from(bytes).includes(Buffer.from([0xfc]))).toBe(true); // ü
    expect(Buffer.from(bytes).includes(Buffer.from('ü', 'utf8'))).toBe(false);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('starts with the EXTF header record: format 700, category 21, Buchungsstapel version 13, numbers, fiscal year, account length, dates', () => {
    const header = records[0]!.split(';');
    expect(header).toHaveLength(31);
    expect(header.slice(0, 6)).toEqual(['"EXTF"', '700', '21', '"Buchungsstapel"', '13', '20261201081530123']);
    expect(header.slice(10, 17)).toEqual(['1001', '1', '20260101', '4', '20261101', '20261130', '"Journal 2026-11-01..2026-11-30"']);
    expect(header[18]).toBe('1'); // Buchungstyp: Finanzbuchführung
    expect(header[20]).toBe('1'); // Festschreibung: a closed period
    expect(header[21]).toBe('"EUR"');
    expect(header[26]).toBe('"03"');
  });

  it('then the column header line with the 125 columns', () => {
    const columns = records[1]!.split(';');
    expect(columns).toHaveLength(125);
    expect(columns.slice(0, 14)).toEqual(['"Umsatz (ohne Soll/Haben-Kz)"', '"Soll/Haben-Kennzeichen"', '"WKZ Umsatz"', '"Kurs"', '"Basis-Umsatz"', '"WKZ Basis-Umsatz"', '"Konto"', '"Gegenkonto (ohne BU-Schlüssel)"', '"BU-Schlüssel"', '"Belegdatum"', '"Belegfeld 1"', '"Belegfeld 2"', '"Skonto"', '"Buchungstext"']);
    expect(DATEV_COLUMNS[114]).toBe('Leistungsdatum');
  });

  it('then one booking line per booking: Umsatz with a decimal comma and no sign, S/H, WKZ, Konto, Gegenkonto, Belegdatum DDMM, Belegfeld 1 the document number', () => {
    const bookings = records.slice(2, -1).map((r) => r.split(';'));
    expect(bookings.every((b) => b.length === 125)).toBe(true);
    expect(bookings.map((b) => b.slice(0, 11).join(';'))).toEqual([
      '100,00;"H";"EUR";;;;8200;1410;;0311;"INV-2026-000001"',
      '19,00;"H";"EUR";;;;1776;1410;;0311;"INV-2026-000001"',
      '50,00;"S";"EUR";;;;1200;1410;;1011;"RF18 Müller & Söhne"',
      '10,00;"S";"EUR";;;;8200;1410;;1211;"CN-2026-000003"',
      '1,90;"S";"EUR";;;;1776;1410;;1211;"CN-2026-000003"',
      '5,00;"S";"EUR";;;;1410;2700;;2011;"INV-2026-000001"',
      '57,10;"H";"EUR";;;;1410;2400;;2811;"INV-2026-000001"',
      '5,00;"H";"EUR";;;;1410;2400;;2811;"INV-2026-000001"',
    ]);
    expect(bookings[0]![13]).toBe('"InvoiceIssued I-1"');
    expect(bookings[0]![20]).toBe('"Journal"');
    expect(bookings[0]![21]).toBe('"invoice-I-1 line 2"');
  });

  it('totals to the debits of its lines', () => {
    const umsatz = records.slice(2, -1).reduce((a, r) => a + Math.round(Number(r.split(';')[0]!.replace(',', '.')) * 100), 0);
    expect(umsatz).toBe(exportTotals(lines).EUR!.debitMinor);
  });

  it('is the same bytes for the same lines and batch, and marks an open period not fixed (Festschreibung 0)', () => {
    expect(Buffer.from(datevBuchungsstapel([...lines].reverse(), docs, defaultDatevSettings, batch, TZ)).equals(Buffer.from(bytes))).toBe(true);
    const open = iconv.decode(Buffer.from(datevBuchungsstapel(lines, docs, defaultDatevSettings, { ...batch, closed: false }, TZ)), 'win1252');
    expect(open.split('\r\n')[0]!.split(';')[20]).toBe('0');
  });

  it('shows the original date of a booking moved out of a closed period', () => {
    const moved = [line('payment-P-2', 1, 'PaymentReceived', '2026-11-30T23:00:00.000Z', 'cash', 'debit', 100, 'P-2', { originalPostedAt: '2026-11-30T15:00:00.000Z' }), line('payment-P-2', 2, 'PaymentReceived', '2026-11-30T23:00:00.000Z', 'receivables', 'credit', 100, 'I-1', { originalPostedAt: '2026-11-30T15:00:00.000Z' })];
    const row = iconv.decode(Buffer.from(datevBuchungsstapel(moved, docs, defaultDatevSettings, { ...batch, from: '2026-12-01', to: '2026-12-31' }, TZ)), 'win1252').split('\r\n')[2]!.split(';');
    expect(row[9]).toBe('0112');
    expect(row[13]).toBe('"PaymentReceived P-2 vom 30.11.2026"');
    expect(row.slice(24, 26)).toEqual(['"Ursprungsdatum"', '"2026-11-30"']);
  });

  it('is refused (409 naming the accounts) when the mapping lacks an account the lines use', () => {
    const settings = { ...defaultDatevSettings, accounts: { ...defaultDatevSettings.accounts, 'bad-debt-expense': undefined } };
    expect(() => datevBuchungsstapel(lines, docs, settings, batch, TZ)).toThrow(ConflictError);
    expect(() => datevBuchungsstapel(lines, docs, settings, batch, TZ)).toThrow(/no account for bad-debt-expense/);
  });

  it('puts the BU-Schlüssel configured for an account', () => {
    const settings = { ...defaultDatevSettings, taxKeys: { revenue: '3' } };
    const first = iconv.decode(Buffer.from(datevBuchungsstapel(lines, docs, settings, batch, TZ)), 'win1252').split('\r\n')[2]!.split(';');
    expect(first[8]).toBe('"3"');
  });
});

describe('the DATEV settings', () => {
  it('default to SKR03 with consultant 1001, client 1, a calendar fiscal year and 4-digit accounts', () => {
    expect(datevSettingsFrom(undefined)).toMatchObject({ consultantNumber: 1001, clientNumber: 1, fiscalYearStartMonth: 1, accountLength: 4, chartOfAccounts: '03' });
    expect(datevSettingsFrom(undefined).accounts.receivables).toBe('1410');
  });

  it('take a JSON value and fail naming a wrong setting', () => {
    expect(datevSettingsFrom(JSON.stringify({ consultantNumber: 29098, clientNumber: 55003 })).consultantNumber).toBe(29098);
    expect(() => datevSettingsFrom({ consultantNumber: 12 })).toThrow('Setting "datev.consultantNumber" must be a whole number from 1001 to 9999999');
    expect(() => datevSettingsFrom({ accounts: { receivables: '14100' } })).toThrow('Setting "datev.accounts.receivables" must be a DATEV G/L account of 4 digits');
    expect(() => datevSettingsFrom('{')).toThrow('Setting "datev" must be a JSON object');
  });
});
