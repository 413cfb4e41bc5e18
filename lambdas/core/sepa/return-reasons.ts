/**
 * Why a direct debit came back (R-transactions: rejects before settlement, returns and refunds
 * after), by ISO 20022 external status reason code as the EPC rulebooks use them. A reason that says
 * the mandate or the account is no longer valid stops every further collection on the mandate;
 * the others (insufficient funds, refusal, a technical reason) leave it active, and the invoice goes
 * to dunning.
 */

export interface ReturnReason {
  readonly code: string;
  readonly text: string;
  /** The mandate (or the account it names) is no longer valid: revoke it, collect nothing more. */
  readonly stopsCollection: boolean;
}

const REASONS: readonly ReturnReason[] = [
  { code: 'AC01', text: 'account identifier incorrect', stopsCollection: true },
  { code: 'AC04', text: 'account closed', stopsCollection: true },
  { code: 'AC06', text: 'account blocked', stopsCollection: true },
  { code: 'AC13', text: 'debtor account is a consumer account (B2B)', stopsCollection: true },
  { code: 'AG01', text: 'direct debit forbidden on this account', stopsCollection: true },
  { code: 'AG02', text: 'operation code or transaction code incorrect', stopsCollection: false },
  { code: 'AM04', text: 'insufficient funds', stopsCollection: false },
  { code: 'AM05', text: 'duplicate collection', stopsCollection: false },
  { code: 'BE05', text: 'creditor identifier unknown to the debtor bank', stopsCollection: false },
  { code: 'CNOR', text: 'creditor bank not registered', stopsCollection: false },
  { code: 'DNOR', text: 'debtor bank not registered', stopsCollection: false },
  { code: 'FF01', text: 'invalid file format', stopsCollection: false },
  { code: 'MD01', text: 'no mandate', stopsCollection: true },
  { code: 'MD02', text: 'mandate data missing or incorrect', stopsCollection: true },
  { code: 'MD06', text: 'refund requested by the debtor', stopsCollection: false },
  { code: 'MD07', text: 'debtor deceased', stopsCollection: true },
  { code: 'MS02', text: 'refused by the debtor', stopsCollection: false },
  { code: 'MS03', text: 'reason not specified by the bank', stopsCollection: false },
  { code: 'RC01', text: 'bank identifier incorrect', stopsCollection: false },
  { code: 'RR01', text: 'regulatory reason: debtor account or identification missing', stopsCollection: false },
  { code: 'RR02', text: 'regulatory reason: debtor name or address missing', stopsCollection: false },
  { code: 'RR03', text: 'regulatory reason: creditor name or address missing', stopsCollection: false },
  { code: 'RR04', text: 'regulatory reason', stopsCollection: false },
  { code: 'SL01', text: 'specific service offered by the debtor bank', stopsCollection: false },
];

/** The reason for a code; an unknown code is kept, described as such, and stops nothing. */
export function returnReason(code: string): ReturnReason {
  const upper = code.trim().toUpperCase();
  return REASONS.find((r) => r.code === upper) ?? { code: upper, text: `return reason ${upper}`, stopsCollection: false };
}

export const KNOWN_RETURN_REASONS: readonly string[] = REASONS.map((r) => r.code);
