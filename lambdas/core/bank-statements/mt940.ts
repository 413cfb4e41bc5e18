/**
 * Reader for SWIFT MT940 customer statements, with the `:86:` layouts of the banks that structure
 * it (German/Dutch `?20`-`?29` subfields, Rabobank/ABN AMRO/ING `/EREF/`, `/NAME/`, `/REMI/` ...).
 * Pure: a string in, the statement model out.
 */
import { decimalToMinor, fail, isoDate, LineIds, textOrNull, Warnings, withoutTrailingSlashes, yymmdd, type LineDraft, type Place } from './common';
import type { AccountStatement, ParsedStatementFile, StatementLine } from './statement';

/** One SWIFT field: its tag (`61`, `60F`), the lines of its value, the line number of its tag. */
interface Field {
  readonly tag: string;
  readonly lines: string[];
  readonly line: number;
}

/** A field tag: SWIFT's `:NN:`/`:NNa:`, and the two-letter ones some banks add (`:NS:`). */
const TAG = /^:(\d{2}[A-Z]?|[A-Z]{2}):(.*)$/;
/** End of a message: `-`, `-}` (SWIFT block 4 end, possibly followed by trailer blocks), `-XXX`. */
const TERMINATOR = /^-(?:\}.*|[A-Z]{3})?\s*$/;

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
 *   mark (Ctrl-Z) is no text.
 * - A malformed field (an amount, sign, currency or date that cannot be read for certain) rejects
 *   the whole file with a {@link StatementParseError} naming the line.
 */
export function readMt940(content: string, warnings: Warnings = new Warnings()): ParsedStatementFile {
  const groups = statementsOf(fieldsOf(content));
  if (groups.length === 0) fail('no MT940 statement: a statement starts with a :20: field', { line: 1 });
  const ids = new LineIds();
  let sequence = 0;
  const identity: string[] = ['mt940'];
  const statements: AccountStatement[] = groups.flatMap((group) => {
    const read = readStatement(group, warnings, groups.length > 1);
    if (read === null) return [];
    const { statement, lines, parts } = read;
    identity.push(...parts);
    return [{
      ...statement,
      lines: lines.map(({ idCandidate, ...draft }): StatementLine => {
        sequence++;
        return { ...draft, sequence, lineId: ids.assign(statement.account, idCandidate ?? `line-${sequence}`) };
      }),
    }];
  });
  if (statements.length === 0) fail('no statement has a balance or a statement line: the file holds no statement', { line: 1 });
  return { format: 'mt940', version: null, statements, fileIdentity: JSON.stringify(identity), warnings: warnings.all };
}

function fieldsOf(content: string): (Field | 'end')[] {
  const fields: (Field | 'end')[] = [];
  let open: Field | null = null;
  content
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .forEach((raw, i) => {
      const line = i + 1;
      // trimEnd, not /\s+$/: that retries from every white space character of a long run (quadratic).
      // A DOS end-of-file mark (Ctrl-Z) ends old exports; it is no text.
      let text = raw.replace(/\x1a/g, '').trimEnd();
      if (text.trim() === '') return;
      if (text.startsWith('{')) {
        // SWIFT basic/application/user header blocks; the text block {4: may start on this line.
        const block4 = text.indexOf('{4:');
        if (block4 < 0) return;
        text = text.slice(block4 + 3);
        if (text.trim() === '') return;
      }
      if (TERMINATOR.test(text)) {
        open = null;
        fields.push('end');
        return;
      }
      const tag = TAG.exec(text);
      if (tag) {
        open = { tag: tag[1]!, lines: [tag[2]!], line };
        fields.push(open);
      } else if (open) {
        open.lines.push(text);
      }
      // Any other text outside a field is a bank header line (ABNANL2A, 940, :940:, 0000 01INGB...).
    });
  return fields;
}

function statementsOf(fields: (Field | 'end')[]): Field[][] {
  const statements: Field[][] = [];
  let current: Field[] | null = null;
  for (const field of fields) {
    if (field === 'end') {
      current = null;
      continue;
    }
    if (field.tag === '20') {
      current = [field];
      statements.push(current);
    } else if (current) {
      current.push(field);
    } else {
      fail(`field :${field.tag}: comes before any :20: field; an MT940 statement starts with :20: (transaction reference)`, {
        line: field.line,
      });
    }
  }
  return statements;
}

interface Mt940LineDraft extends LineDraft {
  readonly idCandidate: string | null;
}

/**
 * One statement: its model, its lines, and what identifies it (see
 * `ParsedStatementFile.fileIdentity`): `:20:`, `:25:`, `:28C:` and both balances.
 */
/**
 * One statement, or `null` for a statement with nothing but its header fields (no balance, no
 * `:61:`) in a file with other statements: a cut-off last message moves no money, it is left out
 * with a warning. Alone in its file, such a statement is refused: the file is not a statement.
 */
function readStatement(fields: Field[], warnings: Warnings, others: boolean): { statement: Omit<AccountStatement, 'lines'>; lines: Mt940LineDraft[]; parts: string[] } | null {
  const start = fields[0]!;
  const reference = textOrNull(start.lines.join(' '));
  let account: string | null = null;
  let number: string | null = null;
  let opening: Balance | null = null;
  let closing: Balance | null = null;
  /** A currency named elsewhere in an interim report (MT942): floor limit, totals, available balance. */
  let otherCurrency: string | null = null;
  const entries: { field: Field; details: string[] }[] = [];
  for (let i = 1; i < fields.length; i++) {
    const field = fields[i]!;
    const place: Place = { line: field.line, record: `:${field.tag}:` };
    switch (field.tag) {
      case '25':
        if (account !== null) {
          warnings.add('second-account-field', `a second :25: field in one statement; the first (${account}) is kept as the account`, place);
          break;
        }
        account = textOrNull(field.lines.join(''));
        break;
      case '28':
      case '28C':
        number = textOrNull(field.lines.join(''));
        break;
      case '60F':
      case '60M':
        if (opening) fail('a second opening balance in one statement', place);
        opening = parseBalanceField(field.lines.join(''), place);
        break;
      case '62F':
      case '62M':
        if (closing) fail('a second closing balance in one statement', place);
        closing = parseBalanceField(field.lines.join(''), place);
        if (opening && closing.currency !== opening.currency) {
          fail(`closing balance in ${closing.currency}, opening balance in ${opening.currency}`, place);
        }
        break;
      case '34F':
      case '90D':
      case '90C': {
        // MT942: floor limit `EURD100,` / totals `3EUR150,00`; only their currency is used here.
        const currency = /^(?:\d+)?([A-Z]{3})/.exec(field.lines.join('').trim())?.[1];
        if (currency && otherCurrency === null) otherCurrency = currency;
        break;
      }
      case '61': {
        if (closing) fail('statement line after the closing balance', place);
        const details: string[] = [];
        while (fields[i + 1]?.tag === '86') details.push(...fields[++i]!.lines);
        entries.push({ field, details });
        break;
      }
      case 'NS':
        warnings.add('non-standard-field', `non-standard field :NS: kept as text: "${field.lines.join(' ').slice(0, 80)}"`, place);
        break;
      default:
        // :21:, :13:, :13D:, :64:, :65:, a :86: of the statement itself.
        break;
    }
  }
  const where: Place = { line: start.line, record: ':20:' };
  const name = `statement ${reference ?? ''}`.trim();
  if (!opening && !closing && entries.length === 0) {
    if (!others) fail(`${name} has no balance and no statement line: it is not a statement`, where);
    warnings.add('empty-statement', `${name} has no balance and no statement line: left out`, where);
    return null;
  }
  if (account === null) warnings.add('missing-account', `${name} has no :25: account identification`, where);
  if (number === null) warnings.add('missing-statement-number', `${name} has no :28C: statement number`, where);
  if (!opening) warnings.add('missing-opening-balance', `${name} has no opening balance (:60F: or :60M:): read as an interim report`, where);
  if (!closing) warnings.add('missing-closing-balance', `${name} has no closing balance (:62F: or :62M:): read as an interim report`, where);
  const currency = opening?.currency ?? closing?.currency ?? otherCurrency ?? currencyOfAccount(account);
  const lines: Mt940LineDraft[] = [];
  entries.forEach(({ field, details }, i) => {
    if (currency === null) {
      fail('statement line in a statement that names no currency (no balance, :34F: floor limit or :90D:/:90C: total)', { line: field.line, record: ':61:' });
    }
    const line = readLine(field, details, currency, i + 1, warnings);
    if (line) lines.push(line);
  });
  const balance = (b: Balance | null) => (b ? `${b.date} ${b.currency} ${b.amountMinor}` : '');
  return {
    parts: [reference ?? '', account ?? '', number ?? '', balance(opening), balance(closing)],
    statement: {
      statementId: `${reference ?? ''}/${number ?? ''}`,
      account,
      currency,
      openingBalanceMinor: opening?.amountMinor ?? null,
      closingBalanceMinor: closing?.amountMinor ?? null,
    },
    lines,
  };
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
 * Rabobank layout). Exported for tests and diagnostics; throws a {@link StatementParseError} at
 * `place` when the value is not a statement line.
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

function readLine(field: Field, details: string[], currency: string, entryIndex: number, warnings: Warnings): Mt940LineDraft | null {
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
  'OCMT', 'CHGS', 'EXCH', 'INIT', 'FX',
];
const SLASH_CODE = new RegExp(`/(${SLASH_CODES.join('|')})/`, 'g');
const STARTS_WITH_SLASH_CODE = new RegExp(`^/(${SLASH_CODES.join('|')})/`);

/**
 * Reads the `:86:` information of a statement line in the layout it is written in:
 * - `?NN` subfields after a three-digit code (German DFÜ/DK layout, also Polish banks; Triodos
 *   writes `>NN`): the lines are joined without separator (the bank wrapped them at a fixed width),
 *   the purpose `?20`-`?29` and `?60`-`?63` likewise; its `SVWZ+` part is the remittance text and
 *   `EREF+` the end-to-end id when the purpose carries SEPA keywords, else the whole purpose is the
 *   remittance text; the counterparty is `?32`+`?33`, its account `?38` (IBAN), else `?31`.
 * - `/CODE/value` codes (Rabobank, ABN AMRO, ING): `/REMI/` is the remittance text (`USTD//`
 *   removed; a `STRD/CUR/` or `/CDTRREF/` reference is a structured reference), `/EREF/` the
 *   end-to-end id, `/NAME/` the counterparty and `/IBAN/` its account (ING: `/CNTP/IBAN/BIC/NAME/`).
 * - Anything else is free text: the lines joined by `\n`, as the bank wrote them.
 * When a structured layout has no remittance part, the whole text is kept as the remittance text.
 * `NOTPROVIDED` end-to-end ids read as none.
 */
export function readTransactionDetails(lines: readonly string[]): TransactionDetails {
  const freeText = lines.join('\n').trim();
  const compact = lines.join('').trim();
  const subfields = /^(\d{3})([?>])\d{2}/.exec(compact);
  if (subfields) return readSubfields(compact, subfields[2]!, freeText);
  if (STARTS_WITH_SLASH_CODE.test(compact)) return readSlashCodes(compact, freeText);
  return {
    layout: 'free-text',
    remittanceText: freeText,
    endToEndId: null,
    counterpartyName: null,
    counterpartyAccount: null,
    structuredReferences: [],
  };
}

function endToEnd(value: string | null | undefined): string | null {
  const id = textOrNull(value);
  return id === null || id.toUpperCase() === 'NOTPROVIDED' ? null : id;
}

function readSubfields(compact: string, separator: string, freeText: string): TransactionDetails {
  const values = new Map<string, string>();
  const pattern = new RegExp(`\\${separator}(\\d{2})`, 'g');
  const marks = [...compact.slice(3).matchAll(pattern)];
  marks.forEach((mark, i) => {
    const start = (mark.index ?? 0) + mark[0].length;
    const end = marks[i + 1]?.index ?? compact.length - 3;
    const code = mark[1]!;
    values.set(code, (values.get(code) ?? '') + compact.slice(3).slice(start, end));
  });
  const purposeCodes = ['20', '21', '22', '23', '24', '25', '26', '27', '28', '29', '60', '61', '62', '63'];
  const purpose = purposeCodes.map((code) => values.get(code) ?? '').join('');
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
  const name = textOrNull((values.get('32') ?? '') + (values.get('33') ?? ''));
  return {
    layout: 'subfields',
    remittanceText: remittance ?? freeText,
    endToEndId: endToEnd(sepa.get('EREF')),
    counterpartyName: name,
    counterpartyAccount: textOrNull(values.get('38')) ?? textOrNull(values.get('31')),
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
    else remittance = clean(remi.replace(/^USTD\/\//, '')) ?? '';
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
