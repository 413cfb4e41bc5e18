/**
 * Reader for SWIFT MT940 customer statements, with the `:86:` layouts of the banks that structure
 * it (German/Dutch `?20`-`?29` subfields, Rabobank/ABN AMRO/ING `/EREF/`, `/NAME/`, `/REMI/` ...).
 * Read as a stream of text chunks (see {@link Mt940Reader}). Pure: text in, the statement model out.
 */
import { decimalToMinor, fail, isoDate, LineIds, textOrNull, Warnings, withoutTrailingSlashes, yymmdd, type LineDraft, type Place } from './common';
import type { StatementHeader, StreamedStatementFile } from './camt';
import type { ParsedStatementFile, StatementLine } from './statement';
import { LineStatementReader, readWhole } from './text-lines';

/** One SWIFT field: its tag (`61`, `60F`), the lines of its value, the line number of its tag. */
interface Field {
  readonly tag: string;
  readonly lines: string[];
  readonly line: number;
}

/** A field tag: SWIFT's `:NN:`/`:NNa:`, and the two-letter ones some banks add (`:NS:`). */
const TAG = /^:(\d{2}[A-Z]?|[A-Z]{2}):(.*)$/;
/**
 * End of a message: `-`, `-}` (SWIFT block 4 end, possibly followed by trailer blocks), `-XXX`;
 * indented (` -`) in some exports (ABN AMRO's Moneyou), except inside a `:86:` text.
 */
const TERMINATOR = /^\s*-(?:\}.*|[A-Z]{3})?\s*$/;

/** Transmission framing that is no text: SOH, ETX, and the DOS end-of-file mark Ctrl-Z. */
const FRAMING = /[\x01\x03\x1a]/;
const FRAMING_ALL = /[\x01\x03\x1a]/g;

/** True when the content holds MT940 fields (a line starting `:20:` or another `:NN:`/`:NNa:` tag). */
export function looksLikeMt940(content: string): boolean {
  return /^\uFEFF?(?:[^\n]*\n){0,20}?\s*(?:\{1:|:\d{2}[A-Z]?:)/.test(content);
}

/**
 * Reads an MT940 file: one or more statements (messages), each `:20:` ... `:62a:`.
 *
 * What callers may rely on:
 * - One {@link AccountStatement} per `:20:` in file order (MT940 statements and MT942 interim
 *   reports alike); `statementId` is `<:20:>/<:28C:>`, `account` the first `:25:` text,
 *   `currency` and balances from `:60F:`/`:60M:` and `:62F:`/`:62M:` (debit balances negative).
 * - Deviations that do not touch money are read and listed as warnings (see
 *   `ParsedStatementFile.warnings`): no `:25:`, no `:28C:`/`:28:`, no opening or no closing balance
 *   (an interim report: the lines' currency then comes from `:34F:`, `:90D:`/`:90C:` or a currency
 *   at the end of `:25:`), a second `:25:`, a `:61:` without transaction type, a non-standard
 *   field such as `:NS:` (kept out of the lines' text), a statement of header fields only among
 *   others (left out). Refused: a `:61:` in a statement that names no currency, a field before any
 *   `:20:` (a bare fragment is not a statement), a file whose statements are all bare.
 * - One line per `:61:` with a non-zero amount: `C` and `RD` (reversal of a debit) are credits,
 *   `D` and `RC` debits; `valueDate` from the `:61:` value date, `bookingDate` from its optional
 *   entry date (year taken from the value date, across a year end when needed), else `null`;
 *   `accountServicerReference` the bank reference after `//` and `customerReference` the
 *   reference for the account owner (`NONREF` reads as none); `bankTransactionCode` the
 *   transaction type (`NTRF`).
 * - The `:86:` lines after a `:61:` (several `:86:` fields are joined as lines) give the
 *   remittance text and, when structured, the end-to-end id, payer name and account: see
 *   {@link readTransactionDetails}. Payer name and account are only set on credits (on a debit
 *   the counterparty is the payee). `:61:` supplementary details that look like an IBAN are the
 *   counterparty's account; other supplementary details end the remittance text as a last line
 *   unless the text already contains them.
 * - A `:86:` after the closing balance is statement information and belongs to no line.
 * - Empty lines are ignored; text before a statement (bank headers such as `ABNANL2A`/`940`,
 *   `:940:`, SWIFT `{1:...}` blocks) is skipped.
 * - Dialects of `:61:` read: the entry date absent or written as spaces, a funds code, a space
 *   before the amount or the type, `.` as decimal mark, amounts without decimals, three-letter
 *   types followed by a space (`NOV NONREF`), `S` types, no type before `//`. A DOS end-of-file
 *   mark (Ctrl-Z) and SOH/ETX message framing are no text.
 * - A malformed field (an amount, sign, currency or date that cannot be read for certain) rejects
 *   the whole file with a {@link StatementParseError} naming the line.
 */
export function readMt940(content: string, warnings: Warnings = new Warnings()): ParsedStatementFile {
  return readWhole(content, (onLine) => new Mt940Reader(onLine, warnings));
}

/** The most characters of one field with its continuation lines, or of a `:61:` with its `:86:` fields. */
export const MAX_FIELD_CHARACTERS = 4 * 1024 * 1024;
/** The most lines of one field, or of a `:61:` with its `:86:` fields (SWIFT allows 6 for a `:86:`). */
export const MAX_FIELD_LINES = 10_000;
/**
 * The most statement lines held while their currency is not known yet: an interim report without
 * an opening balance names its currency only in its closing balance (or `:34F:`/`:90a:`), so its
 * lines wait until the statement ends. Past this many the file is refused.
 */
export const MAX_WAITING_LINES = 100_000;
/** The most characters of those waiting lines together. */
export const MAX_WAITING_CHARACTERS = 16 * 1024 * 1024;

type MutableHeader = { -readonly [K in keyof StatementHeader]: StatementHeader[K] };

/** A `:61:` field with the `:86:` lines that follow it. */
interface Transaction {
  readonly field: Field;
  readonly details: string[];
  /** Its place among the statement's `:61:` fields, from 1. */
  readonly entryIndex: number;
  characters: number;
  lines: number;
}

/** A statement (`:20:` ...) being read. */
interface OpenStatement {
  readonly start: Field;
  readonly reference: string | null;
  /** Handed out with every line; filled in (number, closing balance, currency) when the statement ends. */
  readonly header: MutableHeader;
  account: string | null;
  accountSeen: boolean;
  number: string | null;
  opening: Balance | null;
  closing: Balance | null;
  /** A currency named elsewhere in an interim report (MT942): floor limit, totals, available balance. */
  otherCurrency: string | null;
  entries: number;
  transaction: Transaction | null;
  /** Lines that wait for the statement's currency (or account), in file order. */
  readonly waiting: Transaction[];
  waitingCharacters: number;
  /** The lines' warnings, listed after the statement's own (as they always were). */
  readonly lineWarnings: [code: string, problem: string, place: Place][];
}

/**
 * Streaming reader of MT940/MT942 (the rules of {@link readMt940}, which uses it): feed the text
 * with {@link Mt940Reader.write} in chunks of any size, then {@link Mt940Reader.close}. Each `:61:`
 * line is handed to `onLine` as soon as the next field that is not its `:86:` starts; only that
 * transaction's fields and the statement's header fields are held. The header object handed with
 * a line is its statement's: what is written after the lines (the closing balance, a late
 * `:28C:`) is filled in when the statement ends. A statement without an opening balance (an
 * interim report) or whose `:25:` comes after its first `:61:` holds its lines until it ends, as
 * its currency (or account) is only known then (at most {@link MAX_WAITING_LINES}). Errors are
 * the whole-file reading's (the first problem in file order); lines handed out before a problem
 * stay valid readings, but the file is refused, so a caller that must apply all or nothing keeps
 * its results until `close` returns. A field longer than {@link MAX_FIELD_CHARACTERS} or
 * {@link MAX_FIELD_LINES}, and a line longer than `MAX_LINE_CHARACTERS`, are refused.
 */
export class Mt940Reader extends LineStatementReader {
  /** The field being read (its continuation lines may follow). */
  private open: (Field & { characters: number }) | null = null;
  private statement: OpenStatement | null = null;
  /** How many `:20:` statements the file has had so far. */
  private started = 0;
  /** The first statement, when it had nothing but header fields: a warning if another follows, else an error. */
  private emptyFirst: { name: string; where: Place } | null = null;
  private readonly headers: StatementHeader[] = [];
  private readonly identity: string[] = ['mt940'];
  private readonly ids = new LineIds();
  private sequence = 0;
  /**
   * A lone `-` met inside a `:86:` text: the message end, unless the next field still belongs to
   * the statement (Rabobank wraps a `:86:` so that a line holds only `-`): held until the next line.
   */
  private heldDash: string | null = null;

  protected end(): StreamedStatementFile {
    this.endHeldDash(null);
    this.finishField();
    this.finishStatement();
    if (this.started === 0) fail('no MT940 statement: a statement starts with a :20: field', { line: 1 });
    if (this.emptyFirst) fail(`${this.emptyFirst.name} has no balance and no statement line: it is not a statement`, this.emptyFirst.where);
    if (this.headers.length === 0) fail('no statement has a balance or a statement line: the file holds no statement', { line: 1 });
    return { format: 'mt940', version: null, statements: this.headers, fileIdentity: JSON.stringify(this.identity), warnings: this.warnings.all };
  }

  protected onText(raw: string, line: number): void {
    // trimEnd, not /\s+$/: that retries from every white space character of a long run (quadratic).
    // A DOS end-of-file mark (Ctrl-Z) ends old exports; SOH and ETX frame each message in some
    // (mBank: SOH on a line before :20:, "-" ETX as the end). They are no text.
    let text = (FRAMING.test(raw) ? raw.replace(FRAMING_ALL, '') : raw).trimEnd();
    if (text.trim() === '') return;
    this.endHeldDash(text);
    if (text.startsWith('{')) {
      // SWIFT basic/application/user header blocks; the text block {4: may start on this line.
      const block4 = text.indexOf('{4:');
      if (block4 < 0) return;
      text = text.slice(block4 + 3);
      if (text.trim() === '') return;
    }
    // Inside a :86: text an indented " -" is a line of the text, not the message end.
    if (TERMINATOR.test(text) && !(this.open?.tag === '86' && /^\s/.test(text))) {
      if (text === '-' && this.open?.tag === '86') {
        this.heldDash = text;
        return;
      }
      this.endMessage();
      return;
    }
    const tag = TAG.exec(text);
    if (tag) {
      this.finishField();
      // The :61: before is complete unless this is one of its :86: fields (or a bank's :NS: between them).
      if (tag[1] !== '86' && tag[1] !== 'NS') this.closeTransaction();
      this.open = { tag: tag[1]!, lines: [tag[2]!], line, characters: tag[2]!.length };
    } else if (this.open) {
      this.open.lines.push(text);
      this.open.characters += text.length;
      if (this.open.characters > MAX_FIELD_CHARACTERS || this.open.lines.length > MAX_FIELD_LINES) this.tooLong(this.open);
    }
    // Any other text outside a field is a bank header line (ABNANL2A, 940, :940:, 0000 01INGB...).
  }

  private endMessage(): void {
    this.finishField();
    this.closeTransaction();
    this.finishStatement();
  }

  /**
   * The line after a held `-` (null at the end of the file) decides what the `-` was: followed by
   * a field of the same statement (any tag but `:20:`) it is a line of the `:86:` text; else
   * (`:20:`, a header block or line, another end, the end of the file) the message end.
   */
  private endHeldDash(next: string | null): void {
    const dash = this.heldDash;
    if (dash === null) return;
    this.heldDash = null;
    const tag = next === null ? undefined : TAG.exec(next)?.[1];
    if (tag !== undefined && tag !== '20' && this.open) {
      this.open.lines.push(dash);
      this.open.characters += dash.length;
      return;
    }
    this.endMessage();
  }

  private tooLong(field: Field): never {
    return fail(
      `field :${field.tag}: is longer than ${MAX_FIELD_CHARACTERS.toLocaleString('en-US')} characters or ${MAX_FIELD_LINES.toLocaleString('en-US')} lines; the file is refused`,
      { line: field.line, record: `:${field.tag}:` },
    );
  }

  /** The open field is complete: it joins its statement. */
  private finishField(): void {
    const field = this.open;
    if (!field) return;
    this.open = null;
    if (field.tag === '20') {
      this.finishStatement();
      this.beginStatement(field);
      return;
    }
    const statement = this.statement;
    if (!statement) {
      fail(`field :${field.tag}: comes before any :20: field; an MT940 statement starts with :20: (transaction reference)`, { line: field.line });
    }
    const transaction = statement.transaction;
    if (field.tag === '86' && transaction) {
      transaction.details.push(...field.lines);
      transaction.characters += field.characters;
      transaction.lines += field.lines.length;
      if (transaction.characters > MAX_FIELD_CHARACTERS || transaction.lines > MAX_FIELD_LINES) this.tooLong(field);
      return;
    }
    const place: Place = { line: field.line, record: `:${field.tag}:` };
    if (field.tag === 'NS') {
      // A bank's own field; between a :61: and its :86: it does not end the statement line.
      this.warnings.add('non-standard-field', `non-standard field :NS: kept as text: "${field.lines.join(' ').slice(0, 80)}"`, place);
      return;
    }
    this.closeTransaction();
    switch (field.tag) {
      case '25':
        statement.accountSeen = true;
        if (statement.account !== null) {
          this.warnings.add('second-account-field', `a second :25: field in one statement; the first (${statement.account}) is kept as the account`, place);
          break;
        }
        statement.account = textOrNull(field.lines.join(''));
        break;
      case '28':
      case '28C':
        statement.number = textOrNull(field.lines.join(''));
        break;
      case '60F':
      case '60M':
        if (statement.opening) fail('a second opening balance in one statement', place);
        statement.opening = parseBalanceField(field.lines.join(''), place);
        break;
      case '62F':
      case '62M': {
        if (statement.closing) fail('a second closing balance in one statement', place);
        const closing = parseBalanceField(field.lines.join(''), place);
        statement.closing = closing;
        if (statement.opening && closing.currency !== statement.opening.currency) {
          fail(`closing balance in ${closing.currency}, opening balance in ${statement.opening.currency}`, place);
        }
        break;
      }
      case '34F':
      case '90D':
      case '90C': {
        // MT942: floor limit `EURD100,` / totals `3EUR150,00`; only their currency is used here.
        const currency = /^(?:\d+)?([A-Z]{3})/.exec(field.lines.join('').trim())?.[1];
        if (currency && statement.otherCurrency === null) statement.otherCurrency = currency;
        break;
      }
      case '61':
        if (statement.closing) fail('statement line after the closing balance', place);
        statement.transaction = { field, details: [], entryIndex: ++statement.entries, characters: field.characters, lines: field.lines.length };
        break;
      default:
        // :21:, :13:, :13D:, :64:, :65:, a :86: of the statement itself.
        break;
    }
  }

  private beginStatement(start: Field): void {
    this.started++;
    if (this.emptyFirst) {
      this.warnings.add('empty-statement', `${this.emptyFirst.name} has no balance and no statement line: left out`, this.emptyFirst.where);
      this.emptyFirst = null;
    }
    const reference = textOrNull(start.lines.join(' '));
    this.statement = {
      start,
      reference,
      header: { statementId: null, account: null, currency: null, openingBalanceMinor: null, closingBalanceMinor: null },
      account: null,
      accountSeen: false,
      number: null,
      opening: null,
      closing: null,
      otherCurrency: null,
      entries: 0,
      transaction: null,
      waiting: [],
      waitingCharacters: 0,
      lineWarnings: [],
    };
  }

  /** A `:61:` with all its `:86:` lines: handed out now when its currency and account are known. */
  private closeTransaction(): void {
    const statement = this.statement;
    const transaction = statement?.transaction;
    if (!statement || !transaction) return;
    statement.transaction = null;
    if (statement.opening && statement.accountSeen && statement.waiting.length === 0) {
      Object.assign(statement.header, { account: statement.account, currency: statement.opening.currency, openingBalanceMinor: statement.opening.amountMinor });
      this.handOut(statement, transaction, statement.opening.currency);
      return;
    }
    statement.waiting.push(transaction);
    statement.waitingCharacters += transaction.characters;
    if (statement.waiting.length > MAX_WAITING_LINES || statement.waitingCharacters > MAX_WAITING_CHARACTERS) {
      fail(
        `more than ${MAX_WAITING_LINES.toLocaleString('en-US')} statement lines (or ${MAX_WAITING_CHARACTERS.toLocaleString('en-US')} characters) before the statement names its currency and account (:60F: and :25: before the first :61:); the file is refused`,
        { line: transaction.field.line, record: ':61:' },
      );
    }
  }

  private handOut(statement: OpenStatement, transaction: Transaction, currency: string): void {
    const lineWarnings = { add: (code: string, problem: string, place: Place) => void statement.lineWarnings.push([code, problem, place]) };
    const draft = readLine(transaction.field, transaction.details, currency, transaction.entryIndex, lineWarnings);
    if (!draft) return;
    const { idCandidate, ...line } = draft;
    this.sequence++;
    this.onLine({ ...line, sequence: this.sequence, lineId: this.ids.assign(statement.account, idCandidate ?? `line-${this.sequence}`) }, statement.header);
  }

  /**
   * The statement has ended (next `:20:`, a terminator or the end of the file). A statement with
   * nothing but its header fields (no balance, no `:61:`) in a file with other statements is a
   * cut-off message that moves no money: left out with a warning. Alone in its file it is refused:
   * the file is not a statement.
   */
  private finishStatement(): void {
    const statement = this.statement;
    if (!statement) return;
    this.closeTransaction();
    this.statement = null;
    const { reference, account, number, opening, closing } = statement;
    const where: Place = { line: statement.start.line, record: ':20:' };
    const name = `statement ${reference ?? ''}`.trim();
    if (!opening && !closing && statement.entries === 0) {
      if (this.started > 1) this.warnings.add('empty-statement', `${name} has no balance and no statement line: left out`, where);
      else this.emptyFirst = { name, where };
      return;
    }
    if (account === null) this.warnings.add('missing-account', `${name} has no :25: account identification`, where);
    if (number === null) this.warnings.add('missing-statement-number', `${name} has no :28C: statement number`, where);
    if (!opening) this.warnings.add('missing-opening-balance', `${name} has no opening balance (:60F: or :60M:): read as an interim report`, where);
    if (!closing) this.warnings.add('missing-closing-balance', `${name} has no closing balance (:62F: or :62M:): read as an interim report`, where);
    const currency = opening?.currency ?? closing?.currency ?? statement.otherCurrency ?? currencyOfAccount(account);
    Object.assign(statement.header, {
      statementId: `${reference ?? ''}/${number ?? ''}`,
      account,
      currency,
      openingBalanceMinor: opening?.amountMinor ?? null,
      closingBalanceMinor: closing?.amountMinor ?? null,
    });
    this.headers.push(statement.header);
    for (const transaction of statement.waiting) {
      if (currency === null) {
        fail('statement line in a statement that names no currency (no balance, :34F: floor limit or :90D:/:90C: total)', { line: transaction.field.line, record: ':61:' });
      }
      this.handOut(statement, transaction, currency);
    }
    statement.waiting.length = 0;
    for (const [code, problem, place] of statement.lineWarnings) this.warnings.add(code, problem, place);
    const balance = (b: Balance | null) => (b ? `${b.date} ${b.currency} ${b.amountMinor}` : '');
    this.identity.push(reference ?? '', account ?? '', number ?? '', balance(opening), balance(closing));
  }
}

interface Mt940LineDraft extends LineDraft {
  readonly idCandidate: string | null;
}

/** The currency some banks append to the account in `:25:` (`51210600/9223382012EUR`). */
function currencyOfAccount(account: string | null): string | null {
  return account ? (/[^A-Z]([A-Z]{3})$/.exec(account)?.[1] ?? null) : null;
}

/** A balance field (`:60F:`, `:62M:`, `:64:` ...). */
export interface Balance {
  readonly date: string;
  readonly currency: string;
  /** Signed: a debit balance is negative. */
  readonly amountMinor: number;
}

/**
 * Reads a balance field value such as `C140829EUR000000000147,64` (`:60F:`, `:62M:`, `:64:` ...).
 * Exported for tests and diagnostics of single fields; throws a {@link StatementParseError} at
 * `place` when the value is not a balance.
 */
export function parseBalanceField(value: string, place: Place): Balance {
  const match = /^([DC])(\d{6})([A-Z]{3})(\d+(?:[,.]\d*)?)$/.exec(value.trim());
  if (!match) fail(`"${value}" is not a balance (D or C, YYMMDD date, currency, amount such as C140829EUR147,64)`, place);
  const [, mark, dateText, currency, amountText] = match as unknown as [string, string, string, string, string];
  const date = yymmdd(dateText);
  if (date === null) fail(`balance date "${dateText}" is not a YYMMDD date`, place);
  const minor = decimalToMinor(amountText.replace(',', '.'), currency, place, 'balance');
  if (mark === 'D' && minor === 0) return { date, currency, amountMinor: 0 };
  return { date, currency, amountMinor: mark === 'D' ? -minor : minor };
}

/** The parts of a `:61:` statement line field. */
export interface StatementLineField {
  readonly valueDate: string;
  /** `null` when absent or written as four spaces. */
  readonly entryDate: string | null;
  /** `C`, `D`, `RC` or `RD` as written. */
  readonly mark: 'C' | 'D' | 'RC' | 'RD';
  readonly fundsCode: string | null;
  /** The amount as written (`1213,28`, `500,`, `500`). */
  readonly amount: string;
  /** `NTRF`, `NMSC`, `S103` ...; `null` when the bank wrote none (the reference follows at once). */
  readonly transactionType: string | null;
  /** Reference for the account owner, trimmed, as written (also `NONREF`). */
  readonly customerReference: string;
  /** Bank reference (after `//`), as written; `null` when absent. */
  readonly bankReference: string | null;
  /** Supplementary details: the second line of the field (and text after a 16-character reference). */
  readonly supplementaryDetails: string;
}

/**
 * Reads a `:61:` field value (its first line and continuation lines) such as
 * `1409010902DR000000000001,62NTRF0000549855700010//025498557/000001` into its parts, as written.
 * `DR`/`CR` are a debit/credit with funds code `R`; a reference for the account owner runs to `//`
 * or for at most 16 characters, text after those 16 characters is supplementary details (old
 * Rabobank layout); one word longer than 16 characters without `//` is the reference, whole.
 * Exported for tests and diagnostics; throws a {@link StatementParseError} at `place` when the
 * value is not a statement line.
 */
export function parseStatementLineField(lines: readonly string[], place: Place): StatementLineField {
  const first = lines[0] ?? '';
  // Dialects: the entry date written as four spaces, a space before the amount or the type, the
  // amount with "." for ",", a three-letter type followed by a space (`NOV NONREF`), no type at all.
  const match = /^(\d{6})(\d{4}| {4})?(R?[DC])([A-Z])?\s?(\d[\d,.]*)\s?(?:([A-Z][A-Z0-9]{3})|([A-Z][A-Z0-9 ]{3})|(?=\/\/))(.*)$/.exec(first);
  if (!match) {
    fail(
      `"${first}" is not a statement line (value date YYMMDD, optional entry date MMDD, C/D/RC/RD, optional funds code, amount, transaction type, reference)`,
      place,
    );
  }
  const [, valueText, entryWritten, mark, fundsCode, amount, fourLetterType, threeLetterType, rest] = match as unknown as [
    string, string, string | undefined, StatementLineField['mark'], string | undefined, string, string | undefined, string | undefined, string,
  ];
  // `NOV NONREF` (ING, Triodos): the type is `NOV `; `S   X` (Sberbank): an S type without message type.
  const transactionType = fourLetterType ?? threeLetterType ?? null;
  const entryText = entryWritten?.trim() ? entryWritten : undefined;
  const valueDate = yymmdd(valueText);
  if (valueDate === null) fail(`value date "${valueText}" is not a YYMMDD date`, place);
  if ((amount.match(/[,.]/g) ?? []).length > 1) fail(`amount "${amount}" has more than one decimal separator`, place);
  let entryDate: string | null = null;
  if (entryText) {
    const valueYear = Number(valueDate.slice(0, 4));
    const valueMonth = Number(valueDate.slice(5, 7));
    const month = Number(entryText.slice(0, 2));
    const year = month - valueMonth > 6 ? valueYear - 1 : valueMonth - month > 6 ? valueYear + 1 : valueYear;
    entryDate = isoDate(year, month, Number(entryText.slice(2, 4)));
    if (entryDate === null) fail(`entry date "${entryText}" is not a MMDD date`, place);
  }
  const slashes = rest.indexOf('//');
  let customerReference: string;
  let bankReference: string | null = null;
  const supplementary: string[] = [];
  if (slashes >= 0 && slashes <= 16) {
    customerReference = rest.slice(0, slashes);
    bankReference = textOrNull(rest.slice(slashes + 2));
  } else if (slashes < 0 && /^\S{17,}\s*$/.test(rest)) {
    // One word longer than 16 characters: a reference the bank wrote longer than the standard's 16
    // (German savings banks' FinTS exports: the timestamp `2023-02-09-08.37.18.054696`), not a
    // reference followed by details; cutting it would leave a piece of it as text.
    customerReference = rest;
  } else {
    customerReference = rest.slice(0, 16);
    supplementary.push(rest.slice(16));
  }
  supplementary.push(...lines.slice(1));
  return {
    valueDate,
    entryDate,
    mark,
    fundsCode: fundsCode ?? null,
    amount,
    transactionType,
    customerReference: customerReference.trim(),
    bankReference,
    supplementaryDetails: supplementary
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .join(' '),
  };
}

function readLine(field: Field, details: string[], currency: string, entryIndex: number, warnings: Pick<Warnings, 'add'>): Mt940LineDraft | null {
  const place: Place = { line: field.line, record: ':61:' };
  const parts = parseStatementLineField(field.lines, place);
  if (parts.transactionType === null) warnings.add('missing-transaction-type', 'statement line without transaction type (such as NTRF)', place);
  const amountMinor = decimalToMinor(parts.amount.replace(',', '.'), currency, place);
  if (amountMinor === 0) return null;
  const direction = parts.mark === 'C' || parts.mark === 'RD' ? 'credit' : 'debit';
  const info = readTransactionDetails(details);
  const supplementaryIsAccount = looksLikeIban(parts.supplementaryDetails);
  const counterpartyAccount = info.counterpartyAccount ?? (supplementaryIsAccount ? parts.supplementaryDetails : null);
  const extra = supplementaryIsAccount || info.remittanceText.includes(parts.supplementaryDetails) ? '' : parts.supplementaryDetails;
  const remittanceText = [info.remittanceText, extra].filter((text) => text !== '').join('\n');
  const bankReference = parts.bankReference && parts.bankReference.toUpperCase() !== 'NONREF' ? parts.bankReference : null;
  const customerReference = parts.customerReference && parts.customerReference.toUpperCase() !== 'NONREF' ? parts.customerReference : null;
  return {
    direction,
    amountMinor,
    currency,
    bookingDate: parts.entryDate,
    valueDate: parts.valueDate,
    structuredReference: info.structuredReferences[0] ?? null,
    structuredReferences: info.structuredReferences,
    endToEndId: info.endToEndId,
    accountServicerReference: bankReference,
    customerReference,
    remittanceText,
    payerName: direction === 'credit' ? info.counterpartyName : null,
    payerAccount: direction === 'credit' ? counterpartyAccount : null,
    bankTransactionCode: parts.transactionType,
    entry: { index: entryIndex, transaction: 1, transactions: 1, amountMinor, currency },
    idCandidate: bankReference ?? info.endToEndId,
  };
}

function looksLikeIban(text: string): boolean {
  return /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(text.replace(/ /g, ''));
}

/** What the `:86:` lines of a statement line say. */
export interface TransactionDetails {
  /** Which layout the text was read as. */
  readonly layout: 'subfields' | 'slash-codes' | 'free-text';
  readonly remittanceText: string;
  readonly endToEndId: string | null;
  readonly counterpartyName: string | null;
  readonly counterpartyAccount: string | null;
  readonly structuredReferences: string[];
}

/** SEPA keywords of the German `?20`-`?29` purpose text. */
const SEPA_KEYWORD = /(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|COAM|OAMT|SQTP|PURP|RTRN)\+/g;

/** Codes of the Dutch/ING slash layout; a value runs up to the next of these. */
const SLASH_CODES = [
  'EREF', 'MARF', 'CSID', 'BENM', 'ORDP', 'NAME', 'ID', 'ADDR', 'REMI', 'ISDT', 'RTRN', 'TRTP', 'IBAN', 'BIC',
  'PREF', 'ULTC', 'ULTD', 'ULTB', 'PURP', 'CNTP', 'IREF', 'KREF', 'CDTRREFTP', 'CDTRREF', 'SVCL', 'BUSP', 'RTYP',
  'OCMT', 'CHGS', 'EXCH', 'INIT', 'FX', 'BAI', 'ACNO',
];
const SLASH_CODE = new RegExp(`/(${SLASH_CODES.join('|')})/`, 'g');
const STARTS_WITH_SLASH_CODE = new RegExp(`^/(${SLASH_CODES.join('|')})/`);

/**
 * Reads the `:86:` information of a statement line in the layout it is written in:
 * - `?NN` subfields after a three-digit code (German DFÜ/DK layout, also Polish banks, some of
 *   which start with the subfields and no code; Triodos writes `>NN`): the lines are joined without separator (the bank wrapped them at a fixed width),
 *   the purpose `?20`-`?29` and `?60`-`?63` likewise; its `SVWZ+` part is the remittance text and
 *   `EREF+` the end-to-end id when the purpose carries SEPA keywords, else the whole purpose is the
 *   remittance text; the counterparty is `?32`+`?33`, its account `?38` (IBAN), else `?31`.
 *   Triodos: the account is `>21` (an IBAN, after `>20` its BIC; the purpose then starts at
 *   `>22`), else `>10`; `>31` is the holder's own account, never the counterparty's. Polish
 *   banks write `^NN` or `~NN`: the title is `^20`-`^29` (`^62`/`^63` are the counterparty's
 *   address), runs of padding spaces read as one.
 * - `/CODE/value` codes (Rabobank, ABN AMRO, ING): `/REMI/` is the remittance text (`USTD//`
 *   or an empty type `//` removed; a `STRD/CUR/` or `/CDTRREF/` reference is a structured
 *   reference), `/EREF/` the end-to-end id, `/NAME/` the counterparty and `/IBAN/` its account
 *   (ING: `/CNTP/IBAN/BIC/NAME/`; else the name in `/ORDP/` or `/BENM/`, the account in `/ACNO/`).
 * - Anything else is free text: the lines joined by `\n`, as the bank wrote them; when it has mBank's
 *   labels (`OD:`/`DLA:` the counterparty and its address, `Z RACH.:`/`NA RACH.:` its account), the
 *   counterparty is read from them.
 * When a structured layout has no remittance part, the whole text is kept as the remittance text.
 * `NOTPROVIDED` end-to-end ids read as none.
 */
export function readTransactionDetails(lines: readonly string[]): TransactionDetails {
  const freeText = lines.join('\n').trim();
  const compact = lines.join('').trim();
  // The subfields follow a three-digit transaction code, or (some Polish banks: `>20...>31...>32`)
  // start the text themselves.
  const subfields = /^(\d{3})?([?>^~])\d{2}/.exec(compact);
  if (subfields) return readSubfields(compact.slice(subfields[1] ? 3 : 0), subfields[2]!, subfields[1] !== undefined, freeText);
  if (STARTS_WITH_SLASH_CODE.test(compact)) return readSlashCodes(compact, freeText);
  // mBank wraps its text at spaces (which the lines lost): the labels' values are read with them back.
  const polish = readPolishLabels(lines.join(' ').trim());
  return {
    layout: 'free-text',
    remittanceText: freeText,
    endToEndId: null,
    counterpartyName: polish.name,
    counterpartyAccount: polish.account,
    structuredReferences: [],
  };
}

/** mBank's labels in a free `:86:` text, each ended by "; " or the end: `OD:` / `DLA:` (from / for) and `Z RACH.:` / `NA RACH.:` (from / to account). */
const POLISH_LABEL = /(?:^|;\s*)(OD|DLA|Z RACH\.|NA RACH\.|TYT\.):\s*/g;
/** Where a Polish address starts after a name: a street (`UL.`, `AL.`, `PL.`, `OS.`, also glued to the name's last dot) or a postcode (`98-300`). */
const POLISH_ADDRESS = /(?:^|[\s.,])(?:UL|AL|PL|OS)\.|\s(?:UL|ALEJA|PLAC|OSIEDLE)\s|(?<!\d)\d{2}-\d{3}(?!\d)/i;
/** A Polish company's legal form: the name ends with it (the address may follow without a street mark). */
const POLISH_LEGAL_FORM = /SP\.?\s?Z\s?O\.?\s?O\b\.?|SP[ÓO]ŁKA\s+Z\s?O\.?\s?O\b\.?|SPOLKA\s+Z\s?O\.?\s?O\b\.?|SP[ÓO][ŁL]KA\s+AKCYJNA|\bS\.A\.|\bSP\.\s?[JK]\./i;

/**
 * The counterparty of an mBank-style free text (`911 TRANSAKCJA IPH; ... Z RACH.: <account>; OD:
 * <name> <address>; TYT.: <title>`): the name from `OD:` (else `DLA:`) up to its address, the
 * account from `Z RACH.:` (else `NA RACH.:`), when the text has those labels; else none.
 */
function readPolishLabels(compact: string): { name: string | null; account: string | null } {
  const marks = [...compact.matchAll(POLISH_LABEL)];
  if (marks.length === 0) return { name: null, account: null };
  const values = new Map<string, string>();
  marks.forEach((mark, i) => {
    const start = (mark.index ?? 0) + mark[0].length;
    const end = marks[i + 1]?.index ?? compact.length;
    const value = compact.slice(start, end).replace(/;\s*$/, '').replace(/\s{2,}/g, ' ').trim();
    if (!values.has(mark[1]!)) values.set(mark[1]!, value);
  });
  const party = values.get('OD') ?? values.get('DLA');
  let name: string | null = null;
  if (party !== undefined) {
    const legalForm = POLISH_LEGAL_FORM.exec(party);
    const address = POLISH_ADDRESS.exec(party);
    // The name runs to the end of its legal form, else to its address (a dot before `UL.` stays).
    const end = legalForm ? legalForm.index + legalForm[0].length : address ? address.index + (address[0].startsWith('.') ? 1 : 0) : party.length;
    name = textOrNull(party.slice(0, end).trim());
  }
  const account = (values.get('Z RACH.') ?? values.get('NA RACH.'))?.replace(/\s/g, '') ?? '';
  return { name, account: /^(?:[A-Z]{2})?\d{26}$/.test(account) ? account : null };
}

function endToEnd(value: string | null | undefined): string | null {
  const id = textOrNull(value);
  return id === null || id.toUpperCase() === 'NOTPROVIDED' ? null : id;
}

/** `subfields`: the `:86:` text from its first subfield on (after the transaction code, if any). */
function readSubfields(subfields: string, separator: string, coded: boolean, freeText: string): TransactionDetails {
  const values = new Map<string, string>();
  const pattern = new RegExp(`\\${separator}(\\d{2})`, 'g');
  const marks = [...subfields.matchAll(pattern)];
  // PKO BP (Poland) writes an empty subfield as "˙" (byte 0xFF in Windows-1250, "ÿ" when read as
  // Windows-1252): a subfield holding only that mark is empty, not text.
  const emptyMark = separator === '^' || separator === '~';
  marks.forEach((mark, i) => {
    const start = (mark.index ?? 0) + mark[0].length;
    const end = marks[i + 1]?.index ?? subfields.length;
    const code = mark[1]!;
    const value = subfields.slice(start, end);
    values.set(code, (values.get(code) ?? '') + (emptyMark && /^\s*[\u02d9\u00ff]\s*$/.test(value) ? '' : value));
  });
  // Triodos (`>NN`): `>10` the counterparty's domestic account (zeros: none), `>20` its BIC and
  // `>21` its IBAN when `>21` is one (the purpose then starts at `>22`), `>31` the account
  // holder's own account, never the counterparty's.
  const triodos = separator === '>' && coded;
  const triodosIban = triodos && looksLikeIban(values.get('21') ?? '') ? values.get('21')!.trim() : null;
  // Polish banks (`^NN`, `~NN`, or subfields with no code before them): `^20`-`^29` the title,
  // `^62`/`^63` the counterparty's address (not purpose), subfields padded with spaces to a fixed
  // width (runs of spaces read as one).
  const polish = separator === '^' || separator === '~' || !coded;
  const purposeCodes = ['20', '21', '22', '23', '24', '25', '26', '27', '28', '29', ...(polish ? [] : ['60', '61', '62', '63'])].filter(
    (code) => triodosIban === null || (code !== '20' && code !== '21'),
  );
  const padding = (text: string): string => (polish ? text.replace(/\s{2,}/g, ' ') : text);
  const purpose = padding(purposeCodes.map((code) => values.get(code) ?? '').join(''));
  const keywords = [...purpose.matchAll(SEPA_KEYWORD)];
  const sepa = new Map<string, string>();
  if (keywords.length > 0 && keywords[0]!.index === 0) {
    keywords.forEach((keyword, i) => {
      const start = (keyword.index ?? 0) + keyword[0].length;
      const end = keywords[i + 1]?.index ?? purpose.length;
      if (!sepa.has(keyword[1]!)) sepa.set(keyword[1]!, purpose.slice(start, end).trim());
    });
  }
  const remittance = sepa.size > 0 ? (sepa.get('SVWZ') ?? null) : textOrNull(purpose);
  const name = textOrNull(padding((values.get('32') ?? '') + (values.get('33') ?? '')));
  return {
    layout: 'subfields',
    remittanceText: remittance ?? freeText,
    endToEndId: endToEnd(sepa.get('EREF')),
    counterpartyName: name,
    counterpartyAccount: triodos
      ? (triodosIban ?? (/^0*$/.test((values.get('10') ?? '').trim()) ? null : textOrNull(values.get('10'))))
      : (textOrNull(values.get('38')) ?? textOrNull(values.get('31'))),
    structuredReferences: [],
  };
}

function readSlashCodes(compact: string, freeText: string): TransactionDetails {
  const values = new Map<string, string>();
  const marks = [...compact.matchAll(SLASH_CODE)];
  // A code counts only where the previous value ends: a "/" inside a value is kept.
  let position = 0;
  let current: { code: string; start: number } | null = null;
  for (const mark of marks) {
    const index = mark.index ?? 0;
    if (index < position) continue;
    if (current) {
      if (!values.has(current.code)) values.set(current.code, compact.slice(current.start, index));
    }
    current = { code: mark[1]!, start: index + mark[0].length };
    // The value may be empty ("/BENM//NAME/"): the next code can start at this code's closing "/".
    position = index + mark[0].length - 1;
  }
  if (current && !values.has(current.code)) values.set(current.code, compact.slice(current.start));
  const clean = (value: string | undefined): string | null => textOrNull(value === undefined ? undefined : withoutTrailingSlashes(value));

  const structuredReferences: string[] = [];
  let remittance: string | null = null;
  const remi = values.get('REMI');
  if (remi !== undefined) {
    const structured = /^STRD\/CUR\/([^/]+)/.exec(remi);
    if (structured) structuredReferences.push(structured[1]!.trim());
    // `USTD//text`, or with the type left empty (`/REMI///text`, ING Inside Business Payments).
    else remittance = clean(remi.replace(/^(?:USTD)?\/\//, '')) ?? '';
  }
  const creditorReference = clean(values.get('CDTRREF'));
  if (creditorReference) structuredReferences.push(creditorReference);

  let name = clean(values.get('NAME'));
  let account = clean(values.get('IBAN'));
  const counterparty = values.get('CNTP');
  if (counterparty !== undefined) {
    const [iban, , cntpName] = counterparty.split('/');
    account ??= textOrNull(iban);
    name ??= textOrNull(cntpName);
  }
  // ASB (New Zealand) and others name the party in `/ORDP/` or `/BENM/` itself (Rabobank and ING
  // leave them empty and follow with `/NAME/`), and its account in `/ACNO/`; Komercijalna Banka
  // writes the party's account and then its name as the value's first two parts
  // (`/ORDP/300000000460495` `/IVOTEHNA DOOEL SKOPJE` `/747//747` `/purpose`).
  const party = (code: string): { name: string; account: string | null } | null => {
    const value = clean(values.get(code));
    if (value === null) return null;
    if (!value.includes('/')) return { name: value, account: null };
    const [first = '', second = ''] = value.split('/').map((part) => part.trim());
    return /^[A-Z0-9]{6,34}$/.test(first) && second !== '' ? { name: second, account: first } : null;
  };
  const named = party('ORDP') ?? party('BENM');
  name ??= named?.name ?? null;
  account ??= clean(values.get('ACNO')) ?? named?.account ?? null;
  const hasRemittance = remi !== undefined || structuredReferences.length > 0;
  return {
    layout: 'slash-codes',
    remittanceText: hasRemittance ? (remittance ?? '') : freeText,
    endToEndId: endToEnd(clean(values.get('EREF'))),
    counterpartyName: name,
    counterpartyAccount: account,
    structuredReferences,
  };
}
