/**
 * Reader for the plain CSV statement export: header `date,amount,currency,reference,payer_name,payer_account`,
 * RFC 4180 quoting. Pure: a string in, the statement model out.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { normalizeRfReference } from '../references/rf-creditor-reference';
import { currencyDigits, decimalToMinor, fail, isoDate, LineIds, textOrNull, type LineDraft } from './common';
import type { ParsedStatementFile, StatementLine } from './statement';

/**
 * One data row (`index` 1-based, header not counted) starting on `line`, as a line draft; a row
 * of amount zero is returned too (its currency counts for the statement), the caller leaves it out.
 */
export function csvRowDraft(record: readonly string[], line: number, index: number): LineDraft {
  const place = { line };
  const [dateText = '', amountText = '', currencyText = '', reference = '', payerName = '', payerAccount = ''] = record;
  const dateMatch = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateText.trim());
  const date = dateMatch ? isoDate(Number(dateMatch[1]), Number(dateMatch[2]), Number(dateMatch[3])) : null;
  if (date === null) fail(`date "${dateText}" is not a YYYY-MM-DD date`, place);
  const currency = currencyText.trim();
  if (!/^[A-Z]{3}$/.test(currency)) fail(`currency "${currencyText}" is not a three-letter ISO 4217 code`, place);
  currencyDigits(currency, place);
  const amountMatch = /^([+-]?)(\d+(?:\.\d+)?)$/.exec(amountText.trim());
  if (!amountMatch) fail(`amount "${amountText}" is not a decimal such as 1234.50 or -12.00`, place);
  const amountMinor = decimalToMinor(amountMatch[2]!, currency, place);
  const remittanceText = reference.trim();
  const structured = normalizeRfReference(remittanceText) !== null ? remittanceText : null;
  return {
    direction: amountMatch[1] === '-' ? 'debit' : 'credit',
    amountMinor,
    currency,
    bookingDate: date,
    valueDate: null,
    structuredReference: structured,
    structuredReferences: structured ? [structured] : [],
    endToEndId: null,
    accountServicerReference: null,
    customerReference: null,
    remittanceText,
    payerName: textOrNull(payerName),
    payerAccount: textOrNull(payerAccount),
    bankTransactionCode: null,
    entry: { index, transaction: 1, transactions: 1, amountMinor, currency },
  };
}

/** The header check of a CSV statement (line 1). */
export function checkCsvHeader(header: string): void {
  if (header.trim() !== CSV_HEADER) {
    fail(`the header must be exactly "${CSV_HEADER}", found "${header.trim()}"`, { line: 1 });
  }
}

/** The one header line a CSV statement starts with. */
export const CSV_HEADER = 'date,amount,currency,reference,payer_name,payer_account';

/** True when the first line of the content is meant as the CSV header (it starts with `date,`). */
export function looksLikeCsv(content: string): boolean {
  return /^\uFEFF?\s*"?date"?\s*[,;]/i.test(content);
}

/**
 * Reads a CSV statement.
 *
 * What callers may rely on:
 * - The first line must be exactly {@link CSV_HEADER}; quoting follows RFC 4180 (fields in double
 *   quotes may hold commas, line breaks and doubled quotes). Empty lines are skipped.
 * - One {@link AccountStatement} holding every row (the file names no account); its currency is
 *   the rows' currency when they all share one, else `null`; no balances.
 * - One line per row with a non-zero amount: `date` (`YYYY-MM-DD`) is the booking date; `amount` is
 *   a decimal with a dot, positive for a credit, negative for a debit, read exactly in the row's
 *   `currency` (no more decimals than it has, unless zeros); `reference` is the remittance text
 *   and also the structured reference when it is a valid RF creditor reference; `payer_name` and
 *   `payer_account` are the payer (blank reads as none); `lineId` is `line-<n>`.
 * - A malformed file or row rejects the whole file with a {@link StatementParseError} naming the
 *   line where the row starts.
 */
export function readCsv(content: string): ParsedStatementFile {
  const text = content.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  checkCsvHeader(text.split('\n', 1)[0] ?? '');
  let records: { record: string[]; info: { lines: number }; raw: string }[];
  try {
    records = parse(text, { info: true, raw: true, skip_empty_lines: true, relax_column_count: false }) as unknown as typeof records;
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      return fail(`not valid CSV: ${error.message}`, { line: typeof line === 'number' ? line : 1 });
    }
    throw error;
  }
  const drafts: LineDraft[] = [];
  const currencies = new Set<string>();
  records.slice(1).forEach(({ record, info, raw }, i) => {
    const draft = csvRowDraft(record, info.lines - (raw.replace(/\n$/, '').match(/\n/g)?.length ?? 0), i + 1);
    currencies.add(draft.currency);
    if (draft.amountMinor !== 0) drafts.push(draft);
  });
  const ids = new LineIds();
  return {
    format: 'csv',
    version: null,
    // The export names no account, statement or file: its identity is its content (the caller's).
    fileIdentity: null,
    warnings: [],
    statements: [
      {
        statementId: null,
        account: null,
        currency: currencies.size === 1 ? [...currencies][0]! : null,
        openingBalanceMinor: null,
        closingBalanceMinor: null,
        lines: drafts.map((draft, i): StatementLine => ({ ...draft, sequence: i + 1, lineId: ids.assign(null, `line-${i + 1}`) })),
      },
    ],
  };
}
