/**
 * Reader for BAI2 cash management files (BAI Cash Management Balance Reporting Specifications,
 * version 2). Pure: a string in, the statement model out.
 */
import { currencyDigits, fail, LineIds, textOrNull, Warnings, yymmdd, type LineDraft, type Place } from './common';
import type { AccountStatement, ParsedStatementFile, StatementLine } from './statement';

/** One logical record: a record and the 88 continuation records that follow it. */
interface LogicalRecord {
  readonly code: string;
  /** Line number of the record itself (its 88s come after). */
  readonly line: number;
  /** Physical records (lines) it spans, for the record counts of the trailers. */
  readonly physical: number;
  readonly fields: string[];
  /** 16 only: everything after the customer reference, continuations joined by a space. */
  readonly rest: string;
}

const KNOWN_CODES = new Set(['01', '02', '03', '16', '49', '88', '98', '99']);

/**
 * Reads a BAI2 file.
 *
 * What callers may rely on:
 * - One {@link AccountStatement} per account (03 ... 49) in file order; `statementId` is the file
 *   identification of the 01 record, `account` the customer account number, `currency` the
 *   account's, else the group's, else USD (the BAI2 default). Opening and closing balances are the
 *   010 (opening ledger) and 015 (closing ledger) summary amounts when the 03 record has them.
 * - One line per 16 record with a non-zero amount: type codes below 400 are credits, 400 and
 *   above debits; the amount is in the currency's minor units as written (BAI2 implies the
 *   decimals); `bookingDate` is the group's as-of date, `valueDate` the value date of funds type V;
 *   `accountServicerReference` the bank reference, `customerReference` the customer reference,
 *   `remittanceText` the text with its 88 continuations joined by a space (as the peer parser
 *   does; a bank that wraps in the middle of a word gets a space there).
 * - Records: one per line, several on one line each ended by "/", a 16 text wrapped onto a line
 *   without record code and `88:` for `88,` (both with a warning); see {@link physicalRecords}.
 * - Every control total and record count is checked: the account trailer (49) against the sum of
 *   the 03 summary amounts and 16 amounts and the account's records, the group trailer
 *   (98) against its accounts, the file trailer (99) against its groups. A blank control total
 *   counts as zero (the sample with blank account totals declares 0 for its group); a blank record
 *   or account count is read with a warning (the money is checked by the totals). A mismatch,
 *   an unknown record, a record out of place or a malformed field rejects the whole file with a
 *   {@link StatementParseError} naming the line and the record.
 */
export function readBai2(content: string, warnings: Warnings = new Warnings()): ParsedStatementFile {
  const records = logicalRecords(content, warnings);
  const checkCount = (record: LogicalRecord, what: string, stated: string | undefined, computed: number, of: string): void =>
    checkCountOf(record, what, stated, computed, of, warnings);
  const cursor = new Cursor(records);
  const header = cursor.expect('01', 'the file must start with a 01 file header');
  const version = header.fields[7]?.replace(/\/$/, '').trim() ?? '';
  if (version !== '2') fail(`BAI version "${version}" is not supported; only version 2 is read`, placeOf(header));
  const fileId = textOrNull(header.fields[4]);
  let fileRecords = header.physical;
  let fileTotal = 0n;
  let groups = 0;
  const statements: { statement: Omit<AccountStatement, 'lines'>; lines: LineDraft[]; reference: (string | null)[] }[] = [];

  while (cursor.peek()?.code === '02') {
    const group = cursor.next()!;
    groups++;
    const asOfDate = yymmdd(group.fields[3]?.trim() ?? '');
    if (asOfDate === null) fail(`as-of date "${group.fields[3] ?? ''}" is not a YYMMDD date`, placeOf(group));
    const groupCurrency = textOrNull(group.fields[5]);
    let groupRecords = group.physical;
    let groupTotal = 0n;
    let accounts = 0;

    while (cursor.peek()?.code === '03') {
      const identifier = cursor.next()!;
      accounts++;
      const account = textOrNull(identifier.fields[0]);
      const currency = textOrNull(identifier.fields[1]) ?? groupCurrency ?? 'USD';
      currencyDigits(currency, placeOf(identifier));
      let accountRecords = identifier.physical;
      let accountTotal = 0n;
      let opening: number | null = null;
      let closing: number | null = null;
      for (const summary of summaries(identifier)) {
        accountTotal += summary.amount ?? 0n;
        if (summary.typeCode === '010' && summary.amount !== null) opening ??= safe(summary.amount, identifier);
        if (summary.typeCode === '015' && summary.amount !== null) closing ??= safe(summary.amount, identifier);
      }
      const lines: LineDraft[] = [];
      const references: (string | null)[] = [];
      let entryIndex = 0;
      while (cursor.peek()?.code === '16') {
        const record = cursor.next()!;
        accountRecords += record.physical;
        entryIndex++;
        const detail = transaction(record);
        accountTotal += detail.amount;
        if (detail.amount === 0n) continue;
        const amountMinor = safe(detail.amount, record);
        lines.push({
          direction: Number(detail.typeCode) < 400 ? 'credit' : 'debit',
          amountMinor,
          currency,
          bookingDate: asOfDate,
          valueDate: detail.valueDate,
          structuredReference: null,
          structuredReferences: [],
          endToEndId: null,
          accountServicerReference: detail.bankReference,
          customerReference: detail.customerReference,
          remittanceText: detail.text,
          payerName: null,
          payerAccount: null,
          bankTransactionCode: detail.typeCode,
          entry: { index: entryIndex, transaction: 1, transactions: 1, amountMinor, currency },
        });
        references.push(detail.bankReference);
      }
      const trailer = cursor.expect('49', `account ${account ?? ''} must end with a 49 account trailer`);
      accountRecords += trailer.physical;
      checkTotal(trailer, 'account control total', trailer.fields[0], accountTotal, 'the sum of the 03 and 16 amounts of the account');
      checkCount(trailer, 'number of records', trailer.fields[1], accountRecords, 'records from the 03 to the 49 record');
      groupRecords += accountRecords;
      groupTotal += amountOf(trailer.fields[0], trailer, 'account control total') ?? 0n;
      statements.push({
        statement: { statementId: fileId, account, currency, openingBalanceMinor: opening, closingBalanceMinor: closing },
        lines,
        reference: references,
      });
    }
    if (accounts === 0) fail('a group needs at least one account (03 record)', placeOf(cursor.peek() ?? group));
    const trailer = cursor.expect('98', 'a group must end with a 98 group trailer');
    groupRecords += trailer.physical;
    checkTotal(trailer, 'group control total', trailer.fields[0], groupTotal, 'the sum of its account control totals');
    checkCount(trailer, 'number of accounts', trailer.fields[1], accounts, 'accounts in the group');
    checkCount(trailer, 'number of records', trailer.fields[2], groupRecords, 'records from the 02 to the 98 record');
    fileRecords += groupRecords;
    fileTotal += amountOf(trailer.fields[0], trailer, 'group control total') ?? 0n;
  }
  if (groups === 0) fail('a file needs at least one group (02 record)', placeOf(cursor.peek() ?? header));
  const trailer = cursor.expect('99', 'the file must end with a 99 file trailer');
  fileRecords += trailer.physical;
  checkTotal(trailer, 'file control total', trailer.fields[0], fileTotal, 'the sum of its group control totals');
  checkCount(trailer, 'number of groups', trailer.fields[1], groups, 'groups in the file');
  checkCount(trailer, 'number of records', trailer.fields[2], fileRecords, 'records in the file');
  const after = cursor.peek();
  if (after) fail('records after the 99 file trailer', placeOf(after));

  const ids = new LineIds();
  let sequence = 0;
  return {
    format: 'bai2',
    version: '2',
    fileIdentity: identityOf(header),
    warnings: warnings.all,
    statements: statements.map(({ statement, lines, reference }) => ({
      ...statement,
      lines: lines.map((draft, i): StatementLine => {
        sequence++;
        return { ...draft, sequence, lineId: ids.assign(statement.account, reference[i] ?? `line-${sequence}`) };
      }),
    })),
  };
}

/**
 * The file's identity (see `ParsedStatementFile.fileIdentity`): sender, receiver, creation date,
 * creation time and file id of the 01 record, which BAI2 makes unique per file; `null` when
 * sender, receiver, date or file id is blank (the time is optional in practice).
 */
function identityOf(header: LogicalRecord): string | null {
  const [sender, receiver, date, time, fileId] = [0, 1, 2, 3, 4].map((i) => textOrNull(header.fields[i]));
  if (sender === null || receiver === null || date === null || fileId === null) return null;
  return JSON.stringify(['bai2', sender, receiver, date, time ?? '', fileId]);
}

/** True when the content starts like a BAI2 file (a 01 file header record). */
export function looksLikeBai2(content: string): boolean {
  return /^\uFEFF?\s*01,/.test(content);
}

/**
 * The records of a file, one per record code. Besides one record per line, banks write several
 * records on one line, each ended by "/" (`16,...,PPD/ 16,...`), wrap a 16 record's text onto a
 * line that starts with no record code, and write continuations as `88:` instead of `88,`: all are
 * read, the last two with a warning naming the line. Records counts in trailers count records,
 * not lines: a wrapped text line is no record.
 */
function physicalRecords(content: string, warnings: Warnings): { text: string; line: number }[] {
  const result: { text: string; line: number }[] = [];
  content
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .forEach((raw, i) => {
      const line = i + 1;
      const text = raw.trimEnd();
      if (text.trim() === '') return;
      if (/^88:/.test(text)) {
        warnings.add('continuation-written-88-colon', 'continuation record written "88:" instead of "88,": read as an 88 record', { line, record: '88' });
        result.push({ text: `88,${text.slice(3)}`, line });
        return;
      }
      const code = /^(\d{2})(?:,|$)/.exec(text)?.[1];
      const previous = result[result.length - 1];
      if ((!code || !KNOWN_CODES.has(code)) && previous && /^(16|88),/.test(previous.text) && !previous.text.endsWith('/')) {
        // The text of a 16 (or its 88) wrapped onto the next line by the bank's export.
        warnings.add('text-wrapped-without-88', 'a line without record code continues the text of the record before it', { line });
        previous.text += ` ${text.trim()}`;
        return;
      }
      for (const part of text.split(/(?<=\/)\s+(?=(?:01|02|03|16|49|88|98|99),)/)) result.push({ text: part.trimEnd(), line });
    });
  return result;
}

function logicalRecords(content: string, warnings: Warnings): LogicalRecord[] {
  const records: { code: string; line: number; pieces: string[] }[] = [];
  physicalRecords(content, warnings).forEach(({ text, line }) => {
    const match = /^(\d{2})(?:,|$)/.exec(text);
    if (!match || !KNOWN_CODES.has(match[1]!)) {
      fail(`"${text.slice(0, 20)}" is not a BAI2 record (01, 02, 03, 16, 49, 88, 98 or 99)`, { line });
    }
    const code = match[1]!;
    const body = text.slice(3);
    if (code === '88') {
      const previous = records[records.length - 1];
      if (!previous) fail('a continuation record (88) cannot start the file', { line, record: '88' });
      previous.pieces.push(body);
    } else {
      records.push({ code, line, pieces: [body] });
    }
  });
  return records.map(({ code, line, pieces }) => {
    const record = { code, line, physical: pieces.length };
    if (code !== '16') {
      let joined = '';
      pieces.forEach((piece, i) => {
        const ended = piece.endsWith('/');
        const body = ended ? piece.slice(0, -1) : piece;
        joined += body;
        // "/" ends the record's fields so far: the continuation starts a new field.
        if (i < pieces.length - 1 && (ended || !body.endsWith(','))) joined += ',';
      });
      return { ...record, fields: joined.split(',').map((field) => field.trim()), rest: '' };
    }
    // 16: a "/" ends the fields given so far and the next 88 starts the next field; an 88 after a
    // record without "/" continues the text.
    let joined = '';
    pieces.forEach((piece, i) => {
      const ended = piece.endsWith('/');
      joined += ended ? piece.slice(0, -1) : piece;
      if (i < pieces.length - 1) joined += ended ? ',' : ' ';
    });
    return { ...record, fields: joined.split(','), rest: joined };
  });
}

class Cursor {
  private position = 0;
  constructor(private readonly records: LogicalRecord[]) {}

  peek(): LogicalRecord | undefined {
    return this.records[this.position];
  }

  next(): LogicalRecord | undefined {
    return this.records[this.position++];
  }

  expect(code: string, problem: string): LogicalRecord {
    const record = this.peek();
    if (!record) fail(`${problem}, but the file ends here`, { line: this.records[this.records.length - 1]?.line ?? 1 });
    if (record.code !== code) fail(`${problem}, found a ${record.code} record`, placeOf(record));
    this.position++;
    return record;
  }
}

function placeOf(record: LogicalRecord): Place {
  return { line: record.line, record: record.code };
}

function withoutSlash(text: string): string {
  return text.endsWith('/') ? text.slice(0, -1) : text;
}

/** A signed BAI2 amount (`+123`, `-45`, `678`) as minor units; blank gives `null`. */
function amountOf(text: string | undefined, record: LogicalRecord, what: string): bigint | null {
  const value = (text ?? '').trim();
  if (value === '') return null;
  if (!/^[+-]?\d+$/.test(value)) fail(`${what} "${value}" is not a whole number of minor units`, placeOf(record));
  return BigInt(value);
}

function safe(amount: bigint, record: LogicalRecord): number {
  const value = Number(amount);
  if (!Number.isSafeInteger(value)) fail(`amount ${amount} is too large`, placeOf(record));
  return value;
}

function checkTotal(record: LogicalRecord, what: string, stated: string | undefined, computed: bigint, of: string): void {
  const value = amountOf(stated, record, what) ?? 0n;
  if (value !== computed) fail(`${what} ${value} does not match ${computed}, ${of}`, placeOf(record));
}

function checkCountOf(record: LogicalRecord, what: string, stated: string | undefined, computed: number, of: string, warnings: Warnings): void {
  const value = withoutSlash(stated ?? '').trim();
  if (value === '') {
    // Counts are optional in practice (the money is checked by the control totals): say so.
    warnings.add('missing-count', `${what} is blank (${computed} ${of})`, placeOf(record));
    return;
  }
  if (!/^\d+$/.test(value)) fail(`${what} "${value}" is not a number`, placeOf(record));
  if (Number(value) !== computed) fail(`${what} ${value} does not match the ${computed} ${of}`, placeOf(record));
}

interface Availability {
  readonly valueDate: string | null;
  /** How many fields the availability took after the funds type. */
  readonly width: number;
}

/** The fields that follow a funds type (BAI2 "availability"), starting at `fields[start]`. */
function availability(fundsType: string, fields: string[], start: number, record: LogicalRecord): Availability {
  switch (fundsType) {
    case '':
    case '0':
    case '1':
    case '2':
    case 'Z':
      return { valueDate: null, width: 0 };
    case 'V': {
      const text = (fields[start] ?? '').trim();
      const valueDate = text === '' ? null : yymmdd(text);
      if (text !== '' && valueDate === null) fail(`value date "${text}" is not a YYMMDD date`, placeOf(record));
      return { valueDate, width: 2 };
    }
    case 'S':
      for (let i = 0; i < 3; i++) amountOf(fields[start + i], record, 'availability amount');
      return { valueDate: null, width: 3 };
    case 'D': {
      const count = (fields[start] ?? '').trim();
      if (!/^\d+$/.test(count)) fail(`number of availability distributions "${count}" is not a number`, placeOf(record));
      for (let i = 0; i < Number(count); i++) amountOf(fields[start + 2 + 2 * i], record, 'availability amount');
      return { valueDate: null, width: 1 + 2 * Number(count) };
    }
    default:
      return fail(`funds type "${fundsType}" is not one of 0, 1, 2, S, V, D, Z`, placeOf(record));
  }
}

function typeCodeOf(text: string | undefined, record: LogicalRecord): string {
  const code = (text ?? '').trim();
  if (!/^\d{3}$/.test(code)) fail(`type code "${code}" is not three digits`, placeOf(record));
  return code;
}

/** The summary and status items of an account identifier (03) record. */
function summaries(record: LogicalRecord): { typeCode: string; amount: bigint | null }[] {
  const fields = record.fields;
  const items: { typeCode: string; amount: bigint | null }[] = [];
  let i = 2;
  while (i < fields.length) {
    // A type code is never blank: an empty field where an item would start is the spare comma
    // some banks write before the "/" that ends a record (`015,35217175,,,/`).
    if (fields[i] === '') {
      i++;
      continue;
    }
    const typeCode = typeCodeOf(fields[i], record);
    const amount = amountOf(fields[i + 1], record, `amount of type ${typeCode}`);
    const itemCount = (fields[i + 2] ?? '').trim();
    if (itemCount !== '' && !/^\d+$/.test(itemCount)) fail(`item count "${itemCount}" is not a number`, placeOf(record));
    const fundsType = (fields[i + 3] ?? '').trim();
    const extra = availability(fundsType, fields, i + 4, record);
    items.push({ typeCode, amount });
    i += 4 + extra.width;
  }
  return items;
}

/** The fields of a transaction detail (16) record. */
function transaction(record: LogicalRecord): {
  typeCode: string;
  amount: bigint;
  valueDate: string | null;
  bankReference: string | null;
  customerReference: string | null;
  text: string;
} {
  const fields = record.fields;
  const typeCode = typeCodeOf(fields[0], record);
  const amount = amountOf(fields[1], record, 'amount');
  if (amount === null) fail('the transaction has no amount', placeOf(record));
  if (amount < 0n) fail(`transaction amount ${amount} must not be signed: the type code gives the direction`, placeOf(record));
  const fundsType = (fields[2] ?? '').trim();
  const extra = availability(fundsType, fields, 3, record);
  const referencesAt = 3 + extra.width;
  // The text is everything after the customer reference, commas included.
  const head = fields.slice(0, referencesAt + 2).join(',');
  const text = record.rest.length > head.length ? record.rest.slice(head.length + 1) : '';
  return {
    typeCode,
    amount,
    valueDate: extra.valueDate,
    bankReference: textOrNull(fields[referencesAt]),
    customerReference: textOrNull(fields[referencesAt + 1]),
    text: text.trim(),
  };
}
