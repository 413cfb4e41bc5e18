/**
 * What every bank statement reader produces, whatever the format (camt.052/053/054, BAI2, MT940/MT942, CSV).
 * Pure data: no AWS, no I/O. Amounts are integer minor units (see `../money/money.ts`).
 */

export type StatementFormat = 'camt.052' | 'camt.053' | 'camt.054' | 'bai2' | 'mt940' | 'csv';

/**
 * One transaction on a statement: for camt, one `TxDtls` of an entry (an entry with several that
 * state their amounts is split; without their amounts it stays one line), for MT940 one `:61:`,
 * for BAI2 one 16 record, for CSV one row. Lines of amount zero move no money and are not read.
 */
export interface StatementLine {
  /**
   * The line's name within its file, for people and for the outcome of a line: the transaction's
   * `AcctSvcrRef`, else its `EndToEndId` unless it is `NOTPROVIDED`, else the entry's reference
   * with `#n` for its n-th transaction, else `line-<n>` (n counted from 1 over the whole file).
   * BAI2 and MT940 have no entry reference: their bank reference stands for `AcctSvcrRef` (MT940
   * `NONREF` counts as none). Unique within an account in one file: when a bank repeats an
   * identity (two transactions with one `EndToEndId`), the later ones get `#2`, `#3`, ... appended,
   * so reading the same file twice gives the same ids. It is not the line's identity across files
   * (`line-<n>` is only a position): cash application identifies a line by its content, see
   * `statementLineKeys` in `cash-application/application.ts`.
   */
  readonly lineId: string;
  /** 1-based position of the line in the file (over all statements and accounts). */
  readonly sequence: number;
  readonly direction: 'credit' | 'debit';
  /** Positive integer count of minor units of `currency`. */
  readonly amountMinor: number;
  readonly currency: string;
  /** Calendar dates `YYYY-MM-DD`; either may be missing when the format does not carry it. */
  readonly bookingDate: string | null;
  readonly valueDate: string | null;
  /**
   * Structured creditor reference (camt `Strd/CdtrRefInf/Ref`, the first when there are several),
   * e.g. an RF reference. CSV: the `reference` column when it is a valid RF creditor reference.
   */
  readonly structuredReference: string | null;
  /**
   * Every structured creditor reference of the line in file order (a camt payment may settle
   * several documents, one `Strd` each); the first is `structuredReference`. Always set by the
   * readers in this folder (empty when there is none); optional for lines built elsewhere.
   */
  readonly structuredReferences?: readonly string[];
  readonly endToEndId: string | null;
  readonly accountServicerReference: string | null;
  /**
   * The account owner's own reference for the transaction: camt `AcctOwnrTxId`, MT940 `:61:`
   * reference for the account owner (unless `NONREF`), BAI2 16 customer reference. Always set by
   * the readers in this folder; optional for lines built elsewhere.
   */
  readonly customerReference?: string | null;
  /**
   * Free remittance text, never null (empty when the file has none). camt: `Ustrd` lines joined by
   * a space (an entry with no `TxDtls`: its `AddtlNtryInf`). MT940: the remittance part of a
   * structured `:86:` (`/REMI/`, `SVWZ+`, `?20`-`?29`), else the whole `:86:` with its line breaks
   * kept as `\n`; then the `:61:` supplementary details on a last line unless they are an IBAN (the
   * counterparty's account) or already in the text. BAI2: the 16 record text and its 88
   * continuations joined by a space. CSV: the `reference` column.
   */
  readonly remittanceText: string;
  /**
   * Who paid: camt `Dbtr` (else `UltmtDbtr`) name, whatever the direction; MT940 the counterparty
   * of a structured `:86:` on credits only (on a debit the counterparty is the payee); CSV the
   * `payer_name` column; BAI2 never (its text is not structured).
   */
  readonly payerName: string | null;
  /** The payer's account (IBAN or other identification), as printed on the statement; as `payerName`. */
  readonly payerAccount: string | null;
  /** Bank transaction code as the format writes it (camt domain/family, BAI2 type code, MT940 code). */
  readonly bankTransactionCode: string | null;
  /**
   * The booked entry the line comes from: its 1-based position among the entries of its statement
   * (camt `Ntry`, MT940 `:61:`, BAI2 16 record, CSV row), the line's 1-based place among that
   * entry's lines and their count (above 1 only for a camt batch entry split per `TxDtls`), and the
   * amount the bank booked for the whole entry. Lets a caller put a split batch back together and
   * compare it with the booking. Always set by the readers in this folder; optional for lines
   * built elsewhere.
   */
  readonly entry?: StatementEntryPosition;
  /**
   * The reason a returned or rejected payment came back (camt `TxDtls/RtrInf/Rsn/Cd`, an ISO
   * 20022 external return reason such as AC04, AM04, MD01, MS02); null when the line is no return.
   * Set by the camt reader; optional for lines built elsewhere.
   */
  readonly returnReason?: string | null;
  /**
   * The batch the entry books as one amount (camt `NtryDtls/Btch`): the payment information id of
   * the block (e.g. of a direct debit collection file) and its number of transactions, either
   * null when not given; null when the entry is no batch booking. Set by the camt reader.
   */
  readonly batch?: { readonly paymentInformationId: string | null; readonly numberOfTransactions: number | null } | null;
  /** The entry reverses an earlier booking (camt `RvslInd` true, e.g. a returned direct debit). Set by the camt reader. */
  readonly reversal?: boolean;
}

/** See {@link StatementLine.entry}. */
export interface StatementEntryPosition {
  readonly index: number;
  readonly transaction: number;
  readonly transactions: number;
  /** The entry's booked amount, positive minor units of `currency`, in the line's direction. */
  readonly amountMinor: number;
  readonly currency: string;
}

/** One account's statement (a camt `Rpt`/`Stmt`/`Ntfctn`, a BAI2 account group, an MT940/MT942 statement). */
export interface AccountStatement {
  readonly statementId: string | null;
  /** The statement's own account (IBAN or account number). */
  readonly account: string | null;
  readonly currency: string | null;
  readonly lines: readonly StatementLine[];
  /** Opening and closing booked balances in minor units when the format has them. */
  readonly openingBalanceMinor: number | null;
  readonly closingBalanceMinor: number | null;
}

export interface ParsedStatementFile {
  readonly format: StatementFormat;
  /** Format version where it has one (`camt.053.001.02` -> `"001.02"`). */
  readonly version: string | null;
  readonly statements: readonly AccountStatement[];
  /**
   * What the bank wrote to identify the file, not its bytes: the same statement exported again
   * (another creation timestamp, other line endings, another camt version) has the same identity.
   * A JSON array of strings, the format family first:
   * - camt: `["camt.052" | "camt.053" | "camt.054", GrpHdr/MsgId, then per Rpt/Stmt/Ntfctn its account and its
   *   ElctrncSeqNb, else its Id]`; `null` without a `MsgId`;
   * - MT940: `["mt940", then per statement :20:, :25:, :28C: (or :28:) and its opening and
   *   closing balance (mark, date, currency, minor units)]`: banks that write the same :20: and
   *   :28C: on every statement (`940S130101`/`0`, `STARTUMS`) are told apart by the balances;
   * - BAI2: `["bai2", sender, receiver, creation date, creation time, file id]` of the 01 record;
   *   `null` when sender, receiver, date or file id is blank;
   * - CSV: always `null` (the export names nothing); the caller falls back to the content.
   */
  readonly fileIdentity: string | null;
  /**
   * What the file does that deviates from its format without touching money (a missing account
   * id, statement number or closing balance, an interim report, a non-standard field, a statement
   * whose balances do not reconcile with its lines), each with its place, in file order. The
   * money of a file with warnings is read exactly: anything that could misread an amount, sign,
   * currency or date refuses the file instead (`StatementParseError`). Always set by
   * `readStatementFile`; empty when there is nothing to say.
   */
  readonly warnings: readonly StatementWarning[];
  /** How the bytes were decoded (`utf-8`, `utf-16le`, `windows-1252` ...); `null` when given a string. */
  readonly encoding?: string | null;
}

/** See {@link ParsedStatementFile.warnings}. */
export interface StatementWarning {
  /** A stable code for the kind of deviation, e.g. `missing-account`, `not-reconciled`. */
  readonly code: string;
  /** The place and the deviation in words, as error messages say it (`line 3 (record :20:): ...`). */
  readonly message: string;
  readonly location: { readonly line?: number; readonly path?: string; readonly record?: string };
}

/**
 * A file that cannot be read. Rejects the whole file: `location` names the place (a line number,
 * an XML path or a record, and the file's name when the caller gave it), so the user can find and
 * fix it. The message names the same place in words.
 */
export class StatementParseError extends Error {
  constructor(
    message: string,
    readonly location: { readonly line?: number; readonly path?: string; readonly record?: string; readonly file?: string },
  ) {
    super(message);
    this.name = 'StatementParseError';
  }
}
