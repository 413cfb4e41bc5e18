/**
 * What every bank statement reader produces, whatever the format (camt.053/054, BAI2, MT940, CSV).
 * Pure data: no AWS, no I/O. Amounts are integer minor units (see `../money/money.ts`).
 */

export type StatementFormat = 'camt.053' | 'camt.054' | 'bai2' | 'mt940' | 'csv';

/** One transaction on a statement: for camt, one `TxDtls` of an entry (an entry with several is split). */
export interface StatementLine {
  /**
   * Stable identity of the line within its account: the transaction's `AcctSvcrRef`, else its
   * `EndToEndId` unless it is `NOTPROVIDED`, else the entry's reference with `#n` for its n-th
   * transaction, else `line-<n>` (n counted from 1 over the whole file).
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
  /** Structured creditor reference (camt `Strd/CdtrRefInf/Ref`), e.g. an RF reference. */
  readonly structuredReference: string | null;
  readonly endToEndId: string | null;
  readonly accountServicerReference: string | null;
  /** Free remittance text (camt `Ustrd` lines joined by a space, MT940 `:86:`, BAI2 88 text). */
  readonly remittanceText: string;
  readonly payerName: string | null;
  /** The payer's account (IBAN or other identification), as printed on the statement. */
  readonly payerAccount: string | null;
  /** Bank transaction code as the format writes it (camt domain/family, BAI2 type code, MT940 code). */
  readonly bankTransactionCode: string | null;
}

/** One account's statement (a camt `Stmt`/`Ntfctn`, a BAI2 account group, an MT940 statement). */
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
}

/**
 * A file that cannot be read. Rejects the whole file: `location` names the place (a line number,
 * an XML path or a record), so the user can find and fix it.
 */
export class StatementParseError extends Error {
  constructor(
    message: string,
    readonly location: { readonly line?: number; readonly path?: string; readonly record?: string },
  ) {
    super(message);
    this.name = 'StatementParseError';
  }
}
