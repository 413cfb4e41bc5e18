/**
 * Reader for BAI2 cash management files (BAI Cash Management Balance Reporting Specifications,
 * version 2), read as a stream of text chunks (see {@link Bai2Reader}). Pure: text in, the
 * statement model out.
 */
import type { StatementHeader, StreamedStatementFile } from './camt';
import { bai2Payer } from './bai2-parties';
import { currencyDigits, fail, LineIds, textOrNull, Warnings, yymmdd, type Place } from './common';
import type { ParsedStatementFile, StatementLine } from './statement';
import { LineStatementReader, readWhole } from './text-lines';

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
  /** 16 only: where in `rest` a "," was put between a piece ended by "/" and its 88 continuation. */
  readonly joins?: readonly number[];
  /** 16 only: the last physical piece ended with "/". */
  readonly endsWithSlash?: boolean;
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
 *   does; a bank that wraps in the middle of a word gets a space there); for credits, `payerName`
 *   and `payerAccount` the ordering party the text labels (`ORIG CO NAME:`, `ORG=`, `B/O:` ...,
 *   see {@link bai2Payer}), else null.
 * - Records: one per line, several on one line each ended by "/", a 16 text wrapped onto a line
 *   without record code and `88:` for `88,` (both with a warning); see {@link Bai2Reader}. The 9s
 *   that fill a blocked file's last block after the 99 file trailer are no record.
 * - Every control total and record count is checked: the account trailer (49) against the sum of
 *   the 03 summary amounts and 16 amounts and the account's records, the group trailer
 *   (98) against its accounts, the file trailer (99) against its groups. A blank control total
 *   counts as zero (the sample with blank account totals declares 0 for its group); a blank record
 *   or account count is read with a warning (the money is checked by the totals). A mismatch,
 *   an unknown record, a record out of place or a malformed field rejects the whole file with a
 *   {@link StatementParseError} naming the line and the record (the first problem in file order).
 * - Warnings list the record-level ones (wrapped text, `88:`) first, then the others, each group
 *   in file order.
 *
 * The file is read by the streaming {@link Bai2Reader} (one record at a time).
 */
export function readBai2(content: string, warnings: Warnings = new Warnings()): ParsedStatementFile {
  return readWhole(content, (onLine) => new Bai2Reader(onLine, warnings));
}

/** The most characters of one record with its 88 continuations (a real one has a few hundred). */
export const MAX_RECORD_CHARACTERS = 4 * 1024 * 1024;
/** The most 88 continuation records of one record (a real one has a handful). */
export const MAX_CONTINUATIONS = 10_000;

/** Where the reader is in the file's nesting: what may come next. */
type Bai2State = 'start' | 'file' | 'group' | 'account' | 'done';

type MutableHeader = { -readonly [K in keyof StatementHeader]: StatementHeader[K] };

/** A record being read: its 88 continuations are joined onto it as they come. */
class OpenRecord {
  physical = 1;
  private joined = '';
  /** Where a "," was put after a 16 piece ended by "/" (the continuation starts a new field there). */
  private readonly joins: number[] = [];

  constructor(
    readonly code: string,
    readonly line: number,
    /** The body of the last physical record (after its code and comma), as it may still grow. */
    public last: string,
  ) {}

  get characters(): number {
    return this.joined.length + this.last.length;
  }

  /** An 88 continuation: the piece before it is final now. */
  continueWith(piece: string): void {
    if (this.code === '16' && this.last.endsWith('/')) this.joins.push(this.joined.length + this.last.length - 1);
    this.joined += this.bodyOf(this.last, false);
    this.last = piece;
    this.physical++;
  }

  finish(): LogicalRecord {
    const joined = this.joined + this.bodyOf(this.last, true);
    const record = { code: this.code, line: this.line, physical: this.physical };
    if (this.code !== '16') return { ...record, fields: joined.split(',').map((field) => field.trim()), rest: '' };
    return { ...record, fields: joined.split(','), rest: joined, joins: this.joins, endsWithSlash: this.last.endsWith('/') };
  }

  /**
   * A piece with what joins it to the next: a "/" ends the record's fields so far, so the
   * continuation starts a new field; a 16 record's text without "/" goes on after a space.
   */
  private bodyOf(piece: string, final: boolean): string {
    const ended = piece.endsWith('/');
    const body = ended ? piece.slice(0, -1) : piece;
    if (final) return body;
    if (this.code === '16') return body + (ended ? ',' : ' ');
    return ended || !body.endsWith(',') ? `${body},` : body;
  }
}

interface OpenGroup {
  readonly record: LogicalRecord;
  readonly asOfDate: string;
  readonly currency: string | null;
  records: number;
  total: bigint;
  accounts: number;
}

interface OpenAccount {
  readonly record: LogicalRecord;
  readonly header: StatementHeader;
  readonly name: string | null;
  records: number;
  total: bigint;
  entries: number;
}

/**
 * Streaming reader of BAI2 (the rules of {@link readBai2}, which uses it): feed the text with
 * {@link Bai2Reader.write} in chunks of any size, then {@link Bai2Reader.close}. Each transaction
 * (16 record) is handed to `onLine` as soon as the next record shows that its 88 continuations
 * have ended; only that record and the running control totals and counts are held. Totals and
 * counts are checked at each trailer (49, 98, 99), so a file whose totals do not match throws
 * there, after the lines before it were handed out: a caller that must apply all or nothing keeps
 * its results until `close` returns. A record longer than {@link MAX_RECORD_CHARACTERS} or with more
 * than {@link MAX_CONTINUATIONS} continuations, and a line longer than `MAX_LINE_CHARACTERS`, are
 * refused.
 */
export class Bai2Reader extends LineStatementReader {
  /** Record-level warnings (wrapped text, `88:`): listed before the others, as they always were. */
  private readonly recordWarnings = new Warnings();
  private open: OpenRecord | null = null;
  /** The physical record before: does it start `16,`/`88,`, and does it end with "/"? */
  private lastStartsText = false;
  private lastEndsWithSlash = false;
  private lastRecordLine: number | null = null;
  private state: Bai2State = 'start';
  private header: LogicalRecord | null = null;
  private fileId: string | null = null;
  private fileRecords = 0;
  private fileTotal = 0n;
  private groups = 0;
  private group: OpenGroup | null = null;
  private account: OpenAccount | null = null;
  private readonly headers: StatementHeader[] = [];
  private readonly ids = new LineIds();
  private sequence = 0;

  protected end(): StreamedStatementFile {
    this.completeRecord();
    this.atEnd();
    return {
      format: 'bai2',
      version: '2',
      fileIdentity: identityOf(this.header!),
      warnings: [...this.recordWarnings.all, ...this.warnings.all],
      statements: this.headers,
    };
  }

  /**
   * One line of the file. Besides one record per line, banks write several records on one line,
   * each ended by "/" (`16,...,PPD/ 16,...`), wrap a 16 record's text onto a line that starts with
   * no record code, and write continuations as `88:` instead of `88,`: all are read, the last two
   * with a warning naming the line. Record counts in trailers count records, not lines: a wrapped
   * text line is no record.
   */
  protected onText(raw: string, line: number): void {
    let text = raw.trimEnd();
    if (text.trim() === '') return;
    // A blocked file fills its last block after the 99 file trailer with 9s: no record.
    const trailerSeen = this.state === 'done' || this.open?.code === '99';
    if (trailerSeen && /^9+$/.test(text)) return;
    if (/^99,[^/]*\/9+$/.test(text)) text = text.slice(0, text.indexOf('/') + 1);
    if (/^88:/.test(text)) {
      this.recordWarnings.add('continuation-written-88-colon', 'continuation record written "88:" instead of "88,": read as an 88 record', { line, record: '88' });
      this.physicalRecord(`88,${text.slice(3)}`, line);
      return;
    }
    const code = /^(\d{2})(?:,|$)/.exec(text)?.[1];
    if ((!code || !KNOWN_CODES.has(code)) && this.open && this.lastStartsText && !this.lastEndsWithSlash) {
      // The text of a 16 (or its 88) wrapped onto the next line by the bank's export.
      this.recordWarnings.add('text-wrapped-without-88', 'a line without record code continues the text of the record before it', { line });
      const extra = ` ${text.trim()}`;
      this.open.last += extra;
      this.lastEndsWithSlash = extra.endsWith('/');
      this.checkSize(this.open);
      return;
    }
    for (const part of text.split(/(?<=\/)\s+(?=(?:01|02|03|16|49|88|98|99),)/)) this.physicalRecord(part.trimEnd(), line);
  }

  private physicalRecord(text: string, line: number): void {
    const match = /^(\d{2})(?:,|$)/.exec(text);
    if (!match || !KNOWN_CODES.has(match[1]!)) {
      fail(`"${text.slice(0, 20)}" is not a BAI2 record (01, 02, 03, 16, 49, 88, 98 or 99)`, { line });
    }
    const code = match[1]!;
    const body = text.slice(3);
    this.lastStartsText = /^(16|88),/.test(text);
    this.lastEndsWithSlash = text.endsWith('/');
    if (code === '88') {
      if (!this.open) fail('a continuation record (88) cannot start the file', { line, record: '88' });
      this.open.continueWith(body);
      this.checkSize(this.open);
      return;
    }
    this.completeRecord();
    this.open = new OpenRecord(code, line, body);
    this.checkSize(this.open);
  }

  private checkSize(open: OpenRecord): void {
    const place = { line: open.line, record: open.code };
    if (open.physical > MAX_CONTINUATIONS + 1) fail(`more than ${MAX_CONTINUATIONS.toLocaleString('en-US')} continuation records (88): no record is that long; the file is refused`, place);
    if (open.characters > MAX_RECORD_CHARACTERS) fail(`the record with its continuations is longer than ${MAX_RECORD_CHARACTERS.toLocaleString('en-US')} characters; the file is refused`, place);
  }

  private completeRecord(): void {
    const open = this.open;
    if (!open) return;
    this.open = null;
    const record = open.finish();
    this.lastRecordLine = record.line;
    this.onRecord(record);
  }

  /** One whole record, in the nesting 01 (02 (03 16* 49)+ 98)+ 99. */
  private onRecord(record: LogicalRecord): void {
    switch (this.state) {
      case 'start':
        this.expect(record, '01', 'the file must start with a 01 file header');
        this.onFileHeader(record);
        return;
      case 'file':
        if (record.code === '02') return this.onGroupHeader(record);
        if (this.groups === 0) fail('a file needs at least one group (02 record)', placeOf(record));
        this.expect(record, '99', 'the file must end with a 99 file trailer');
        return this.onFileTrailer(record);
      case 'group':
        if (record.code === '03') return this.onAccount(record);
        if (this.group!.accounts === 0) fail('a group needs at least one account (03 record)', placeOf(record));
        this.expect(record, '98', 'a group must end with a 98 group trailer');
        return this.onGroupTrailer(record);
      case 'account':
        if (record.code === '16') return this.onTransaction(record);
        this.expect(record, '49', `account ${this.account!.name ?? ''} must end with a 49 account trailer`);
        return this.onAccountTrailer(record);
      case 'done':
        fail('records after the 99 file trailer', placeOf(record));
    }
  }

  /** The file has ended: what was still expected is missing. */
  private atEnd(): void {
    const ends = (problem: string): never => fail(`${problem}, but the file ends here`, { line: this.lastRecordLine ?? 1 });
    switch (this.state) {
      case 'start':
        return ends('the file must start with a 01 file header');
      case 'file':
        if (this.groups === 0) fail('a file needs at least one group (02 record)', placeOf(this.header!));
        return ends('the file must end with a 99 file trailer');
      case 'group':
        if (this.group!.accounts === 0) fail('a group needs at least one account (03 record)', placeOf(this.group!.record));
        return ends('a group must end with a 98 group trailer');
      case 'account':
        return ends(`account ${this.account!.name ?? ''} must end with a 49 account trailer`);
      case 'done':
        return;
    }
  }

  private expect(record: LogicalRecord, code: string, problem: string): void {
    if (record.code !== code) fail(`${problem}, found a ${record.code} record`, placeOf(record));
  }

  private onFileHeader(header: LogicalRecord): void {
    const version = header.fields[7]?.replace(/\/$/, '').trim() ?? '';
    if (version !== '2') fail(`BAI version "${version}" is not supported; only version 2 is read`, placeOf(header));
    this.header = header;
    this.fileId = textOrNull(header.fields[4]);
    this.fileRecords = header.physical;
    this.state = 'file';
  }

  private onGroupHeader(record: LogicalRecord): void {
    this.groups++;
    const asOfDate = yymmdd(record.fields[3]?.trim() ?? '');
    if (asOfDate === null) fail(`as-of date "${record.fields[3] ?? ''}" is not a YYMMDD date`, placeOf(record));
    this.group = { record, asOfDate, currency: textOrNull(record.fields[5]), records: record.physical, total: 0n, accounts: 0 };
    this.state = 'group';
  }

  private onAccount(identifier: LogicalRecord): void {
    const group = this.group!;
    group.accounts++;
    const account = textOrNull(identifier.fields[0]);
    const currency = textOrNull(identifier.fields[1]) ?? group.currency ?? 'USD';
    currencyDigits(currency, placeOf(identifier));
    let total = 0n;
    let opening: number | null = null;
    let closing: number | null = null;
    for (const summary of summaries(identifier)) {
      total += summary.amount ?? 0n;
      if (summary.typeCode === '010' && summary.amount !== null) opening ??= safe(summary.amount, identifier);
      if (summary.typeCode === '015' && summary.amount !== null) closing ??= safe(summary.amount, identifier);
    }
    const header: MutableHeader = { statementId: this.fileId, account, currency, openingBalanceMinor: opening, closingBalanceMinor: closing };
    this.account = { record: identifier, header, name: account, records: identifier.physical, total, entries: 0 };
    this.headers.push(header);
    this.state = 'account';
  }

  private onTransaction(record: LogicalRecord): void {
    const account = this.account!;
    account.records += record.physical;
    account.entries++;
    const detail = transaction(record);
    account.total += detail.amount;
    if (detail.amount === 0n) return;
    const amountMinor = safe(detail.amount, record);
    const currency = account.header.currency!;
    this.sequence++;
    const direction = Number(detail.typeCode) < 400 ? 'credit' : 'debit';
    // The payer of money received, when the bank labels it in the text (see bai2-parties.ts).
    const payer = direction === 'credit' ? bai2Payer(detail.text) : null;
    const line: StatementLine = {
      direction,
      amountMinor,
      currency,
      bookingDate: this.group!.asOfDate,
      valueDate: detail.valueDate,
      structuredReference: null,
      structuredReferences: [],
      endToEndId: null,
      accountServicerReference: detail.bankReference,
      customerReference: detail.customerReference,
      remittanceText: detail.text,
      payerName: payer?.name ?? null,
      payerAccount: payer?.account ?? null,
      bankTransactionCode: detail.typeCode,
      entry: { index: account.entries, transaction: 1, transactions: 1, amountMinor, currency },
      sequence: this.sequence,
      lineId: this.ids.assign(account.name, detail.bankReference ?? `line-${this.sequence}`),
    };
    this.onLine(line, account.header);
  }

  private onAccountTrailer(trailer: LogicalRecord): void {
    const account = this.account!;
    const group = this.group!;
    account.records += trailer.physical;
    checkTotal(trailer, 'account control total', trailer.fields[0], account.total, 'the sum of the 03 and 16 amounts of the account');
    checkCountOf(trailer, 'number of records', trailer.fields[1], account.records, 'records from the 03 to the 49 record', this.warnings);
    group.records += account.records;
    group.total += amountOf(trailer.fields[0], trailer, 'account control total') ?? 0n;
    this.account = null;
    this.state = 'group';
  }

  private onGroupTrailer(trailer: LogicalRecord): void {
    const group = this.group!;
    group.records += trailer.physical;
    checkTotal(trailer, 'group control total', trailer.fields[0], group.total, 'the sum of its account control totals');
    checkCountOf(trailer, 'number of accounts', trailer.fields[1], group.accounts, 'accounts in the group', this.warnings);
    checkCountOf(trailer, 'number of records', trailer.fields[2], group.records, 'records from the 02 to the 98 record', this.warnings);
    this.fileRecords += group.records;
    this.fileTotal += amountOf(trailer.fields[0], trailer, 'group control total') ?? 0n;
    this.group = null;
    this.state = 'file';
  }

  private onFileTrailer(trailer: LogicalRecord): void {
    this.fileRecords += trailer.physical;
    checkTotal(trailer, 'file control total', trailer.fields[0], this.fileTotal, 'the sum of its group control totals');
    checkCountOf(trailer, 'number of groups', trailer.fields[1], this.groups, 'groups in the file', this.warnings);
    checkCountOf(trailer, 'number of records', trailer.fields[2], this.fileRecords, 'records in the file', this.warnings);
    this.state = 'done';
  }
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
  // The text is everything after the customer reference, commas included. The text is the last
  // field: an 88 after a piece that already reached it (`...,custref,/` or `...,custref,TEXT/`)
  // continues the text, so the "," put there as a field separator is not text: none at the
  // text's start (its own part was empty), a space inside it.
  const head = fields.slice(0, referencesAt + 2).join(',');
  const textStart = head.length + 1;
  // A piece of text written `TEXT,/` (`16,...,Deposit,/`, `88,SAMPLE CONTINUATION TEXT,/`: banks
  // end every record with ",/") ends at the comma: the comma is that habit, not text.
  const piece = (text: string, endedBySlash: boolean): string => (endedBySlash && text.endsWith(',') ? text.slice(0, -1) : text);
  let text = '';
  if (record.rest.length > head.length) {
    let from = textStart;
    for (const at of (record.joins ?? []).filter((join) => join >= textStart)) {
      text += piece(record.rest.slice(from, at), true) + (at > textStart ? ' ' : '');
      from = at + 1;
    }
    text += piece(record.rest.slice(from), record.endsWithSlash === true);
  }
  return {
    typeCode,
    amount,
    valueDate: extra.valueDate,
    bankReference: textOrNull(fields[referencesAt]),
    customerReference: textOrNull(fields[referencesAt + 1]),
    text: text.trim(),
  };
}
