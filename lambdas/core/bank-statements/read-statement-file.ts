/**
 * One entry point for every bank statement format cash application reads: recognises the format
 * from the content and hands it to its reader. Pure: no I/O.
 */
import { looksLikeBai2, readBai2 } from './bai2';
import { camtNamespace, readCamt } from './camt';
import { CSV_HEADER, looksLikeCsv, readCsv } from './csv';
import { looksLikeMt940, readMt940 } from './mt940';
import { Warnings } from './common';
import { decodeStatementBytes } from './decode';
import { StatementParseError, type AccountStatement, type ParsedStatementFile, type StatementLine, type StatementWarning } from './statement';

export { StatementParseError } from './statement';
export { decodeStatementBytes } from './decode';
export type { AccountStatement, ParsedStatementFile, StatementFormat, StatementLine, StatementWarning } from './statement';

/** The formats {@link readStatementFile} accepts, in words, for error messages and help texts. */
export const ACCEPTED_FORMATS =
  'camt.052, camt.053 or camt.054 XML (ISO 20022, versions 001.01 to 001.13), BAI2 (starting with a 01 file header), ' +
  `MT940 or MT942 (SWIFT fields :20:, :25:, :60F:, :61:, :86:, :62F:) or CSV with the header "${CSV_HEADER}"`;

export interface ReadStatementFileOptions {
  /** The file's name, only to name the file in error messages; never used to guess the format. */
  readonly fileName?: string;
}

/**
 * Reads a bank statement file in any accepted format (see {@link ACCEPTED_FORMATS}). The format
 * is recognised from the content, never from the name: XML whose root `Document` (or the
 * `Document` after an envelope's `AppHdr`) is in a camt.052/camt.053/camt.054 namespace, a first
 * record `01,` (BAI2), a first line starting `date,` (CSV), SWIFT fields such as `:20:` (MT940).
 *
 * What callers may rely on: the result is complete or there is none. Any file that cannot be
 * read, wholly and exactly, throws a {@link StatementParseError} whose message starts with the
 * file name (when given) and the place (line number, record or XML element path) and says what
 * is wrong; `error.location` holds the same place. Nothing else is thrown for bad content. Lines
 * are numbered by `sequence` from 1 over the whole file, and `lineId`s are unique per account; see
 * `statement.ts` for the meaning of every field and the readers for the rules of each format.
 */
export function readStatementFile(content: string | Uint8Array, options: ReadStatementFileOptions = {}): ParsedStatementFile {
  try {
    const { text, encoding } = typeof content === 'string' ? { text: content, encoding: null } : decodeStatementBytes(content);
    const warnings = new Warnings();
    const file = dispatch(text, warnings);
    const reconciliation = file.statements.flatMap(reconcile);
    return { ...file, warnings: [...file.warnings, ...reconciliation], encoding };
  } catch (error) {
    // Messages quote the content they refuse: a hostile file must not make a megabyte of message.
    const named = (message: string): string => shortened(options.fileName ? `${options.fileName}: ${message}` : message);
    if (error instanceof StatementParseError) {
      throw new StatementParseError(named(error.message), options.fileName ? { ...error.location, file: options.fileName } : error.location);
    }
    // A parser library failing on content it accepted at first is still bad content, not a crash.
    const message = error instanceof Error ? error.message : String(error);
    throw new StatementParseError(named(`could not be read: ${message}`), options.fileName ? { file: options.fileName } : {});
  }
}

/** The longest error message: long enough for any place and problem, short of quoting a whole hostile file. */
export const MAX_MESSAGE_LENGTH = 1000;

export function shortened(message: string): string {
  return message.length <= MAX_MESSAGE_LENGTH ? message : `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}

/**
 * Checks opening + credits - debits = closing for a statement that has both balances, summing
 * each booked entry once (a split camt entry by its booked amount). A statement that does not
 * reconcile is read, with a warning naming it and both figures.
 */
function reconcile(statement: AccountStatement): StatementWarning[] {
  const totals = new StatementTotals(statement);
  for (const line of statement.lines) totals.add(line);
  return totals.warnings();
}

/** The running sum of one statement's lines, for its reconciliation (lines may arrive one by one). */
export class StatementTotals {
  private sum: bigint;
  private comparable = true;

  constructor(private readonly statement: Omit<AccountStatement, 'lines'>) {
    this.sum = BigInt(statement.openingBalanceMinor ?? 0);
  }

  add(line: StatementLine): void {
    const entry = line.entry ?? { transaction: 1, amountMinor: line.amountMinor, currency: line.currency };
    if (entry.transaction !== 1) return;
    if (this.statement.currency !== null && entry.currency !== this.statement.currency) this.comparable = false;
    this.sum += (line.direction === 'credit' ? 1n : -1n) * BigInt(entry.amountMinor);
  }

  /** The warning when both balances are known and the lines do not lead from one to the other. */
  warnings(): StatementWarning[] {
    const statement = this.statement;
    if (statement.openingBalanceMinor === null || statement.closingBalanceMinor === null) return [];
    const name = `statement ${statement.statementId ?? ''}${statement.account ? ` of account ${statement.account}` : ''}`.replace(/ +/g, ' ');
    if (!this.comparable) {
      return [{ code: 'not-reconciled', message: `${name}: entries in another currency than the balances; opening and closing balance not reconciled`, location: {} }];
    }
    if (this.sum === BigInt(statement.closingBalanceMinor)) return [];
    return [
      {
        code: 'not-reconciled',
        message: `${name} does not reconcile: opening balance ${statement.openingBalanceMinor} + credits - debits = ${this.sum}, closing balance ${statement.closingBalanceMinor} (minor units)`,
        location: {},
      },
    ];
  }
}

function dispatch(content: string, warnings: Warnings): ParsedStatementFile {
  const text = content.replace(/^\uFEFF/, '');
  switch (statementFormatOf(text)) {
    case 'camt':
      return readCamt(text, warnings);
    case 'bai2':
      return readBai2(text, warnings);
    case 'csv':
      return readCsv(text);
    case 'mt940':
      return readMt940(text, warnings);
  }
}

/** White space a file may start with before its content (the streaming reader holds it while it waits for the first character). */
export const MAX_LEADING_WHITE_SPACE = 1 << 20;

/**
 * The reader a file's content (or its head: the first 64 KiB are enough for every rule) calls
 * for, recognised from the content alone.
 *
 * @throws StatementParseError for an empty file, XML that is not camt, or no known format.
 */
export function statementFormatOf(content: string): 'camt' | 'bai2' | 'csv' | 'mt940' {
  const text = content.replace(/^\uFEFF/, '');
  const leading = text.search(/\S/);
  if ((leading < 0 ? text.length : leading) > MAX_LEADING_WHITE_SPACE) {
    throw new StatementParseError(`the file starts with more than ${MAX_LEADING_WHITE_SPACE.toLocaleString('en-US')} characters of white space; expected ${ACCEPTED_FORMATS}`, { line: 1 });
  }
  if (text.trim() === '') throw new StatementParseError(`the file is empty; expected ${ACCEPTED_FORMATS}`, { line: 1 });
  if (text.trimStart().startsWith('<')) {
    const namespace = camtNamespace(text);
    if (namespace && /^urn:iso:std:iso:20022:tech:xsd:camt\.05[234]\./.test(namespace)) return 'camt';
    throw new StatementParseError(
      `an XML document that is not a camt.052, camt.053 or camt.054 statement (root namespace ${namespace ? `"${namespace}"` : 'missing'}); expected ${ACCEPTED_FORMATS}`,
      { path: 'Document' },
    );
  }
  if (looksLikeBai2(text)) return 'bai2';
  if (looksLikeCsv(text)) return 'csv';
  if (looksLikeMt940(text)) return 'mt940';
  throw new StatementParseError(`not a bank statement format this product reads; expected ${ACCEPTED_FORMATS}`, { line: 1 });
}
