/**
 * The journal export to the ERP: the journal lines of a date range as a plain CSV (one row per
 * journal line, with the ids it came from) and as a DATEV Buchungsstapel (EXTF). Pure functions:
 * the lines, the documents they came from and the settings go in, bytes come out.
 *
 * DATEV format, as DATEV documents it ("DATEV-Format, Buchungsstapel", Formatversion 13 of header
 * version 700: https://developer.datev.de/datev/platform/de/dtvf/formate/buchungsstapel), checked
 * against public writers: the header record's 31 fields in the order of `ameax/datev-extf`
 * (`src/DatevExtfHeader.php`: Kennzeichen, Versionsnummer 700, Formatkategorie 21, Formatname,
 * Formatversion 13, erzeugt am YYYYMMDDHHMMSSFFF, importiert, Herkunft, exportiert von, importiert
 * von, Beraternummer, Mandantennummer, WJ-Beginn, Sachkontenlänge, Datum vom, Datum bis,
 * Bezeichnung, Diktatkürzel, Buchungstyp, Rechnungslegungszweck, Festschreibung, WKZ, reserviert,
 * Derivatskennzeichen, reserviert, reserviert, Sachkontenrahmen, Branchenlösungs-ID, reserviert,
 * reserviert, Anwendungsinformation), and the 125 booking columns with their quoting (text in double
 * quotes, amounts, accounts and dates not) as the DATEV-Format check program's
 * `Format_Buchungsstapel.xml` (version 13) declares them. Semicolon separated, CRLF, Windows-1252
 * ("ANSI", what DATEV imports), Umsatz with a decimal comma and no sign, Belegdatum `DDMM`.
 */
import { stringify } from 'csv-stringify/sync';
import iconv from 'iconv-lite';
import { formatAmount } from '../money/money';
import { ConflictError } from '../errors';
import type { Account } from '../ledger/ledger';
import { calendarDateIn } from '../time/clock';
import type { DatevSettings } from './datev-settings';

/** One stored journal line, as the Ledger table holds it. */
export interface LedgerLineRecord {
  readonly journalId: string;
  /** The line's number within its journal (1, 2, ...). */
  readonly lineNo: number;
  readonly event: string;
  /** The booking instant (in the first open period). */
  readonly postedAt: string;
  /** The journal's own instant when it fell in a closed period and was moved out of it. */
  readonly originalPostedAt: string | null;
  readonly account: Account;
  readonly side: 'debit' | 'credit';
  readonly amountMinor: number;
  readonly currency: string;
  /** The open item or payment the line concerns (an invoice id, `<invoiceId>-C` for its charges, a payment id). */
  readonly reference: string;
  readonly reasonCode: string | null;
}

/** The documents the lines refer to, found by id (an id not found is absent). */
export interface JournalDocuments {
  readonly invoiceNumbers: ReadonlyMap<string, string>;
  readonly creditNoteNumbers: ReadonlyMap<string, string>;
  /** Payment id → the payment's reference (null: it had none). */
  readonly paymentReferences: ReadonlyMap<string, string | null>;
}

/** What a journal came from: its type, id and document number (Belegfeld 1 in DATEV). */
export interface JournalSource {
  readonly type: 'invoice' | 'charge' | 'credit-note' | 'payment' | 'other';
  readonly id: string;
  readonly documentNumber: string;
}

const PAYMENT_EVENTS = new Set(['PaymentReceived', 'StatementLineApplied', 'UnappliedPaymentApplied', 'PaymentReversed', 'ProviderFeeCharged', 'DirectDebitReturned']);

/** The ids to look up for the lines' documents. */
export function documentIdsOf(lines: readonly LedgerLineRecord[]): { invoiceIds: string[]; creditNoteIds: string[]; paymentIds: string[] } {
  const invoiceIds = new Set<string>();
  const creditNoteIds = new Set<string>();
  const paymentIds = new Set<string>();
  for (const l of lines) {
    invoiceIds.add(l.reference.endsWith('-C') ? l.reference.slice(0, -2) : l.reference);
    if (PAYMENT_EVENTS.has(l.event)) paymentIds.add(l.reference);
    if (l.event === 'CreditNoteIssued' && l.journalId.startsWith('credit-note-')) creditNoteIds.add(l.journalId.slice('credit-note-'.length));
  }
  const ids = (set: Set<string>) => [...set].filter((id) => id.length > 0).sort();
  return { invoiceIds: ids(invoiceIds), creditNoteIds: ids(creditNoteIds), paymentIds: ids(paymentIds) };
}

/**
 * What a journal came from: the credit note of a credit, the payment of a payment event (its
 * reference as document number), the invoice whose charges a dunning charge posts, else the invoice
 * of its lines; `other` (a refund) with the first line's reference.
 */
export function sourceOf(journal: readonly LedgerLineRecord[], docs: JournalDocuments): JournalSource {
  const first = journal[0]!;
  if (first.event === 'CreditNoteIssued') {
    const id = first.journalId.slice('credit-note-'.length);
    const number = docs.creditNoteNumbers.get(id);
    if (number) return { type: 'credit-note', id, documentNumber: number };
  }
  if (PAYMENT_EVENTS.has(first.event)) {
    const payment = journal.find((l) => docs.paymentReferences.has(l.reference));
    if (payment) return { type: 'payment', id: payment.reference, documentNumber: docs.paymentReferences.get(payment.reference) || payment.reference };
  }
  const charge = first.event === 'DunningChargesPosted' ? journal.find((l) => l.reference.endsWith('-C')) : undefined;
  if (charge) {
    const invoiceId = charge.reference.slice(0, -2);
    return { type: 'charge', id: charge.reference, documentNumber: docs.invoiceNumbers.get(invoiceId) ?? invoiceId };
  }
  const invoice = journal.find((l) => docs.invoiceNumbers.has(l.reference));
  if (invoice) return { type: 'invoice', id: invoice.reference, documentNumber: docs.invoiceNumbers.get(invoice.reference)! };
  return { type: 'other', id: first.reference, documentNumber: first.reference };
}

/** The lines grouped by journal, in booking order (booking instant, journal id, line number). */
export function journalsOf(lines: readonly LedgerLineRecord[]): LedgerLineRecord[][] {
  const sorted = [...lines].sort((a, b) => (a.postedAt < b.postedAt ? -1 : a.postedAt > b.postedAt ? 1 : a.journalId < b.journalId ? -1 : a.journalId > b.journalId ? 1 : a.lineNo - b.lineNo));
  const groups: LedgerLineRecord[][] = [];
  for (const line of sorted) {
    const last = groups[groups.length - 1];
    if (last && last[0]!.journalId === line.journalId) last.push(line);
    else groups.push([line]);
  }
  return groups;
}

/** Per currency: the sum of debits, of credits, and the receivables balance (debit minus credit) of the lines. */
export function exportTotals(lines: readonly LedgerLineRecord[]): Record<string, { debitMinor: number; creditMinor: number; receivablesMinor: number }> {
  const totals: Record<string, { debitMinor: number; creditMinor: number; receivablesMinor: number }> = {};
  for (const l of lines) {
    const t = (totals[l.currency] ??= { debitMinor: 0, creditMinor: 0, receivablesMinor: 0 });
    if (l.side === 'debit') t.debitMinor += l.amountMinor;
    else t.creditMinor += l.amountMinor;
    if (l.account === 'receivables') t.receivablesMinor += l.side === 'debit' ? l.amountMinor : -l.amountMinor;
  }
  return totals;
}

export const CSV_COLUMNS = [
  'journalId',
  'line',
  'event',
  'bookingDate',
  'originalDate',
  'account',
  'side',
  'debit',
  'credit',
  'currency',
  'reference',
  'sourceType',
  'sourceId',
  'documentNumber',
  'reasonCode',
] as const;

/**
 * The plain CSV (RFC 4180, UTF-8, CRLF, header row {@link CSV_COLUMNS}): one row per journal line,
 * dates in the business time zone, amounts as decimal strings in the debit or credit column, the
 * line's own reference and the journal's source (type, id, document number).
 */
export function journalCsv(lines: readonly LedgerLineRecord[], docs: JournalDocuments, timeZone: string): string {
  const rows: string[][] = [];
  for (const journal of journalsOf(lines)) {
    const source = sourceOf(journal, docs);
    for (const l of journal) {
      const amount = formatAmount({ minor: l.amountMinor, currency: l.currency });
      rows.push([
        l.journalId,
        String(l.lineNo),
        l.event,
        calendarDateIn(new Date(l.postedAt), timeZone),
        l.originalPostedAt ? calendarDateIn(new Date(l.originalPostedAt), timeZone) : '',
        l.account,
        l.side,
        l.side === 'debit' ? amount : '',
        l.side === 'credit' ? amount : '',
        l.currency,
        l.reference,
        source.type,
        source.id,
        source.documentNumber,
        l.reasonCode ?? '',
      ]);
    }
  }
  return stringify(rows, { header: true, columns: [...CSV_COLUMNS], record_delimiter: '\r\n' });
}

/** One DATEV booking: `amountMinor` booked on `konto` (side `S` debit, `H` credit) against `gegenkonto`. */
export interface DatevBooking {
  readonly amountMinor: number;
  readonly currency: string;
  readonly side: 'S' | 'H';
  readonly konto: Account;
  readonly gegenkonto: Account;
  /** The journal line the booking books (its account is `konto`). */
  readonly line: LedgerLineRecord;
}

/**
 * The bookings of one balanced journal. A DATEV booking moves one amount between two accounts, so
 * the journal's debit and credit lines are paired in order, each pair booking the smaller of what
 * is left of both. A journal with one line on one side (an invoice: receivables against revenue and
 * tax; a payment: cash against the invoices it pays) gives one booking per line of the other side,
 * that line's account as Konto with its own Soll/Haben-Kennzeichen and the single line's account as
 * Gegenkonto; a two-line journal gives one booking, debit account as Konto (`S`). The amounts booked
 * sum to the journal's debits (= its credits), so an export's DATEV total equals its lines' debits.
 */
export function bookingsOf(journal: readonly LedgerLineRecord[]): DatevBooking[] {
  const debits = journal.filter((l) => l.side === 'debit' && l.amountMinor > 0).map((line) => ({ line, left: line.amountMinor }));
  const credits = journal.filter((l) => l.side === 'credit' && l.amountMinor > 0).map((line) => ({ line, left: line.amountMinor }));
  const bookings: DatevBooking[] = [];
  let d = 0;
  let c = 0;
  while (d < debits.length && c < credits.length) {
    const debit = debits[d]!;
    const credit = credits[c]!;
    const amountMinor = Math.min(debit.left, credit.left);
    const wholeDebit = amountMinor === debit.line.amountMinor;
    const wholeCredit = amountMinor === credit.line.amountMinor;
    // The line booked whole is the booking's own line; the line split over several bookings is their Gegenkonto.
    const onCredit = wholeCredit && !wholeDebit;
    bookings.push(
      onCredit
        ? { amountMinor, currency: credit.line.currency, side: 'H', konto: credit.line.account, gegenkonto: debit.line.account, line: credit.line }
        : { amountMinor, currency: debit.line.currency, side: 'S', konto: debit.line.account, gegenkonto: credit.line.account, line: debit.line },
    );
    debit.left -= amountMinor;
    credit.left -= amountMinor;
    if (debit.left === 0) d++;
    if (credit.left === 0) c++;
  }
  return bookings;
}

/** The 125 columns of the Buchungsstapel (Formatversion 13), in DATEV's order. */
export const DATEV_COLUMNS: readonly string[] = [
  'Umsatz (ohne Soll/Haben-Kz)', 'Soll/Haben-Kennzeichen', 'WKZ Umsatz', 'Kurs', 'Basis-Umsatz', 'WKZ Basis-Umsatz', 'Konto',
  'Gegenkonto (ohne BU-Schlüssel)', 'BU-Schlüssel', 'Belegdatum', 'Belegfeld 1', 'Belegfeld 2', 'Skonto', 'Buchungstext',
  'Postensperre', 'Diverse Adressnummer', 'Geschäftspartnerbank', 'Sachverhalt', 'Zinssperre', 'Beleglink',
  ...Array.from({ length: 8 }, (_, i) => [`Beleginfo - Art ${i + 1}`, `Beleginfo - Inhalt ${i + 1}`]).flat(),
  'KOST1 - Kostenstelle', 'KOST2 - Kostenstelle', 'Kost-Menge', 'EU-Land u. UStID (Bestimmung)', 'EU-Steuersatz (Bestimmung)',
  'Abw. Versteuerungsart', 'Sachverhalt L+L', 'Funktionsergänzung L+L', 'BU 49 Hauptfunktionstyp', 'BU 49 Hauptfunktionsnummer',
  'BU 49 Funktionsergänzung',
  ...Array.from({ length: 20 }, (_, i) => [`Zusatzinformation - Art ${i + 1}`, `Zusatzinformation- Inhalt ${i + 1}`]).flat(),
  'Stück', 'Gewicht', 'Zahlweise', 'Forderungsart', 'Veranlagungsjahr', 'Zugeordnete Fälligkeit', 'Skontotyp', 'Auftragsnummer',
  'Buchungstyp', 'USt-Schlüssel (Anzahlungen)', 'EU-Land (Anzahlungen)', 'Sachverhalt L+L (Anzahlungen)', 'EU-Steuersatz (Anzahlungen)',
  'Erlöskonto (Anzahlungen)', 'Herkunft-Kz', 'Buchungs GUID', 'KOST-Datum', 'SEPA-Mandatsreferenz', 'Skontosperre', 'Gesellschaftername',
  'Beteiligtennummer', 'Identifikationsnummer', 'Zeichnernummer', 'Postensperre bis', 'Bezeichnung SoBil-Sachverhalt',
  'Kennzeichen SoBil-Buchung', 'Festschreibung', 'Leistungsdatum', 'Datum Zuord. Steuerperiode', 'Fälligkeit', 'Generalumkehr (GU)',
  'Steuersatz', 'Land', 'Abrechnungsreferenz', 'BVV-Position', 'EU-Land u. UStID (Ursprung)', 'EU-Steuersatz (Ursprung)', 'Abw. Skontokonto',
];

/** A DATEV text value: in double quotes, a quote doubled, cut to `max` characters (DATEV's field lengths). */
function text(value: string, max: number): string {
  return `"${value.slice(0, max).replace(/"/g, '""')}"`;
}

/** `2026-11-30` → `20261130`. */
const compact = (date: string) => date.replace(/-/g, '');

/** The first day of the fiscal year `date` falls in. */
export function fiscalYearStart(date: string, startMonth: number): string {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const startYear = month >= startMonth ? year : year - 1;
  return `${startYear}-${String(startMonth).padStart(2, '0')}-01`;
}

export interface DatevBatch {
  readonly from: string;
  readonly to: string;
  /** When the batch was made (the close of the period for a closed one, so that its export is the same every time). */
  readonly createdAt: Date;
  /** The batch is of closed periods only: Festschreibung 1 (DATEV locks the bookings on import). */
  readonly closed: boolean;
}

/**
 * The Buchungsstapel of the lines: header record, column header line, one booking line per
 * {@link bookingsOf} booking, encoded in Windows-1252. Refused (409 `DATEV_ACCOUNT_NOT_MAPPED`) when
 * the settings map no DATEV account for an account the lines use. The same lines, documents,
 * settings and batch give the same bytes.
 */
export function datevBuchungsstapel(lines: readonly LedgerLineRecord[], docs: JournalDocuments, settings: DatevSettings, batch: DatevBatch, timeZone: string): Uint8Array {
  const unmapped = [...new Set(lines.map((l) => l.account))].filter((a) => !settings.accounts[a]).sort();
  if (unmapped.length > 0) {
    throw new ConflictError(
      `The DATEV account mapping (setting datev.accounts) has no account for ${unmapped.join(', ')}, which the lines from ${batch.from} to ${batch.to} use: add ${unmapped.length === 1 ? 'it' : 'them'} to the settings`,
      'DATEV_ACCOUNT_NOT_MAPPED',
    );
  }
  const created = batch.createdAt.toISOString().replace(/\D/g, '').slice(0, 17);
  const header = [
    text('EXTF', 4), '700', '21', text('Buchungsstapel', 14), '13', created, '', text('RE', 2), text('order-to-cash', 25), text('', 25),
    String(settings.consultantNumber), String(settings.clientNumber), compact(fiscalYearStart(batch.from, settings.fiscalYearStartMonth)),
    String(settings.accountLength), compact(batch.from), compact(batch.to), text(`Journal ${batch.from}..${batch.to}`, 30), text('', 2),
    '1', '0', batch.closed ? '1' : '0', text('EUR', 3), '', text('', 2), '', '', text(settings.chartOfAccounts, 2), '', '', text('', 0), text('', 0),
  ];
  const out: string[] = [header.join(';'), DATEV_COLUMNS.map((c) => text(c, 64)).join(';')];
  const column = (name: string) => DATEV_COLUMNS.indexOf(name);
  for (const journal of journalsOf(lines)) {
    const source = sourceOf(journal, docs);
    for (const booking of bookingsOf(journal)) {
      const row: string[] = new Array<string>(DATEV_COLUMNS.length).fill('');
      const date = calendarDateIn(new Date(booking.line.postedAt), timeZone);
      const original = booking.line.originalPostedAt ? calendarDateIn(new Date(booking.line.originalPostedAt), timeZone) : null;
      const taxKey = settings.taxKeys[booking.konto] ?? settings.taxKeys[booking.gegenkonto];
      row[column('Umsatz (ohne Soll/Haben-Kz)')] = formatAmount({ minor: booking.amountMinor, currency: booking.currency }).replace('.', ',');
      row[column('Soll/Haben-Kennzeichen')] = text(booking.side, 1);
      row[column('WKZ Umsatz')] = text(booking.currency, 3);
      row[column('Konto')] = settings.accounts[booking.konto]!;
      row[column('Gegenkonto (ohne BU-Schlüssel)')] = settings.accounts[booking.gegenkonto]!;
      if (taxKey) row[column('BU-Schlüssel')] = text(taxKey, 4);
      row[column('Belegdatum')] = `${date.slice(8, 10)}${date.slice(5, 7)}`;
      row[column('Belegfeld 1')] = text(source.documentNumber, 36);
      row[column('Buchungstext')] = text(`${booking.line.event} ${booking.line.reference}${original ? ` vom ${original.split('-').reverse().join('.')}` : ''}`, 60);
      row[column('Beleginfo - Art 1')] = text('Journal', 20);
      row[column('Beleginfo - Inhalt 1')] = text(`${booking.line.journalId} line ${booking.line.lineNo}`, 210);
      row[column('Beleginfo - Art 2')] = text(sourceLabel[source.type], 20);
      row[column('Beleginfo - Inhalt 2')] = text(source.id, 210);
      if (original) {
        row[column('Beleginfo - Art 3')] = text('Ursprungsdatum', 20);
        row[column('Beleginfo - Inhalt 3')] = text(original, 210);
      }
      out.push(row.join(';'));
    }
  }
  return iconv.encode(`${out.join('\r\n')}\r\n`, 'win1252');
}

const sourceLabel: Record<JournalSource['type'], string> = { invoice: 'Rechnung', charge: 'Mahngebühren', 'credit-note': 'Gutschrift', payment: 'Zahlung', other: 'Beleg' };
