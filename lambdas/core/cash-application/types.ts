/**
 * The data the cash application matcher reads and writes. Pure data: amounts are integer minor
 * units of an ISO 4217 currency (see `../money/money.ts`), dates are calendar dates `YYYY-MM-DD`.
 */

/** An invoice with a balance not yet settled, as the matcher sees it. */
export interface OpenItem {
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly customerId: string;
  readonly customerName: string;
  readonly currency: string;
  /** Open balance in minor units; items with a balance of zero or less are never matched. */
  readonly balanceMinor: number;
  readonly issueDate: string;
  readonly dueDate: string;
  /** The RF creditor reference printed on the invoice, in any spelling, or null. */
  readonly rfReference: string | null;
}

/** What earlier payments taught about a customer: the accounts and names it pays from. */
export interface KnownCustomer {
  readonly customerId: string;
  readonly name: string;
  readonly knownAccounts: readonly string[];
  readonly knownPayerNames: readonly string[];
}

/**
 * When a payment short of the open balance may be written off instead of leaving a small balance
 * open. Both limits hold at once: the shortfall must be at most the currency's absolute limit AND
 * at most `maxBasisPoints` of the item's open balance (integer arithmetic, no floats). A currency
 * without an entry in `maxMinorByCurrency` is never written off. Write-offs happen only when the
 * payment quotes the invoice (RF reference or invoice number): an amount alone never justifies one.
 */
export interface ShortPayPolicy {
  /** Largest shortfall per currency, in that currency's minor units (`{ EUR: 500 }` = 5.00 EUR). */
  readonly maxMinorByCurrency: Readonly<Record<string, number>>;
  /** Largest shortfall as a share of the open balance in basis points (100 = 1 %, 10000 = no limit). */
  readonly maxBasisPoints: number;
  /** Reason code recorded on the write-off, for the ledger and the finance console. */
  readonly reasonCode: string;
}

/** Bounds of the search for a combined payment (one payment for several open items). */
export interface CombinedPaymentPolicy {
  /** Most open items one payment may settle when no invoice is quoted (2 to this). */
  readonly maxItems: number;
  /** Only the customer's this-many oldest open items (by due date) are searched. */
  readonly maxCandidates: number;
  /** Search steps before giving up; a search that gives up never applies. */
  readonly maxSteps: number;
}

export interface CashApplicationPolicy {
  readonly shortPay: ShortPayPolicy;
  readonly combined: CombinedPaymentPolicy;
  /** A line is applied only when its reading is unambiguous and its confidence is at least this. */
  readonly minConfidenceToApply: number;
  /** Keep the rest of an overpayment as on-account credit of the identified customer (else unapplied). */
  readonly allowOnAccount: boolean;
  /** At most this many competing open items are listed as candidates of a suggestion. */
  readonly maxSuggestedCandidates: number;
  /** Open items with one amount checked for a mistyped invoice number; beyond it the typo rule is skipped. */
  readonly maxTypoCandidates: number;
  /**
   * Remember the payer account of a line applied on a quoted reference for the rest of the run, so
   * later lines from that account without a reference are identified (see `learnedAccounts()`).
   */
  readonly learnPayerAccounts: boolean;
  /** Payers known only by a name resembling a customer's (see `names.ts`). */
  readonly nameMatching: NameMatchingPolicy;
}

/**
 * When a payer name that is not exactly a known name identifies a customer. Similarities are 0..1
 * (`nameSimilarity`); the confidence of a name reading is 0.80 at similarity 0.9 rising to 0.82 at 1.
 */
export interface NameMatchingPolicy {
  /** The most similar customer is taken as the payer from this similarity on (and no rival within `margin`). */
  readonly minSimilarityToApply: number;
  /** Customers from this similarity on are ones the payer "could also be": a rival, or a reason to only suggest. */
  readonly minSimilarityToConsider: number;
  /** A second customer this close to the best makes the name ambiguous. */
  readonly margin: number;
}

/** One share of a payment applied (or proposed) to one open item. */
export interface Allocation {
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly amountMinor: number;
}

export interface ShortPayWriteOff {
  readonly invoiceId: string;
  readonly amountMinor: number;
  readonly reasonCode: string;
}

/**
 * What a remittance advice says the payer kept back from an invoice, and how it is booked:
 * `write-off` lowers the invoice's balance like a short payment; `kept-open` leaves it open on the
 * invoice with the reason, for finance to credit or chase (see `remittance-advice.ts`).
 */
export interface AdviceDeduction {
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly amountMinor: number;
  /** ANSI X12 426 adjustment reason code. */
  readonly reasonCode: string;
  readonly booking: 'write-off' | 'kept-open';
  /** Why it is booked so (`decideDeduction` in `remittance-advice.ts`). */
  readonly why?: string;
}

export type MatchStatus = 'applied' | 'suggested' | 'unapplied';

/**
 * The matcher's reading of one credit line. For every status the figures add up:
 * `sum(allocations) + unappliedMinor + onAccountMinor === amountMinor`. Only `applied` results
 * change the running balances; a `suggested` result carries the proposal finance may accept
 * (its allocations, or an empty list and the competing `candidates` when two readings fit equally).
 */
export interface LineMatch {
  readonly lineId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly status: MatchStatus;
  readonly customerId: string | null;
  readonly allocations: readonly Allocation[];
  readonly unappliedMinor: number;
  readonly shortPayWriteOff?: ShortPayWriteOff;
  readonly onAccountMinor: number;
  /** 0 (no idea) to 1 (certain). */
  readonly confidence: number;
  /** Short readable sentences that decided the result, strongest first. */
  readonly reasons: readonly string[];
  /** Open items that fit equally well, when the result is a suggestion because of ambiguity. */
  readonly candidates?: readonly { readonly invoiceId: string; readonly invoiceNumber: string }[];
  /** The remittance advice the split follows, when one fits the line. */
  readonly adviceId?: string;
  /** Deductions of that advice, by invoice. */
  readonly deductions?: readonly AdviceDeduction[];
}
