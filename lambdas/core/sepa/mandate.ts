/**
 * The SEPA direct debit mandate: the debtor's authorisation for one creditor (identified by its
 * creditor identifier) to collect from one account. The aggregate owns its changes: creation
 * checks every field by the EPC rules, a collection moves the sequence from FRST to RCUR and
 * records the collection date, a cancelled file gives a first collection back, a revocation (by
 * the customer, finance, or a return whose reason says the mandate or account is no longer valid)
 * ends it. A mandate unused for 36 months expires (SEPA rulebooks, section 4.5: "a mandate ... is
 * no longer valid if no collection has been presented for 36 months").
 */
import { addCalendarDays, isCalendarDate } from '../time/clock';
import { bicProblem, electronicIban, ibanProblem } from './accounts';
import { EPC_LENGTHS, epcIdentifierProblem, toEpcText } from './charset';
import { creditorIdentifierProblem, normalizeCreditorIdentifier } from './creditor-identifier';
import type { FieldProblem } from '../errors';

export type MandateScheme = 'CORE' | 'B2B';
export const MANDATE_SCHEMES: readonly MandateScheme[] = ['CORE', 'B2B'];
export type SequenceType = 'FRST' | 'RCUR';
export type MandateStatus = 'ACTIVE' | 'REVOKED' | 'EXPIRED';

export interface Mandate {
  readonly mandateId: string;
  readonly customerId: string;
  readonly creditorId: string;
  readonly scheme: MandateScheme;
  readonly iban: string;
  readonly bic: string | null;
  readonly accountHolder: string;
  readonly signedOn: string;
  /** ACTIVE or REVOKED as stored; {@link mandateStatus} adds EXPIRED from the dates. */
  readonly status: 'ACTIVE' | 'REVOKED';
  /** The sequence type of the next collection. */
  readonly nextSequence: SequenceType;
  /** The collection date of the last collection presented (null before the first). */
  readonly lastCollectionOn: string | null;
  readonly revokedAt: string | null;
  readonly revocationReason: string | null;
  readonly createdAt: string;
  readonly history: readonly { readonly at: string; readonly note: string }[];
}

/** A mandate that cannot do what was asked (revoked, expired, wrong sequence). */
export class MandateError extends Error {
  constructor(
    readonly mandateId: string,
    readonly problem: string,
  ) {
    super(`Mandate ${mandateId} ${problem}`);
    this.name = 'MandateError';
  }
}

/** Months without a collection after which a mandate expires. */
export const MANDATE_EXPIRY_MONTHS = 36;

/** `date` plus whole months (the same day, or the month's last day when it has fewer). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** The last day the mandate may be collected on before it expires. */
export function expiresAfter(mandate: Pick<Mandate, 'signedOn' | 'lastCollectionOn'>): string {
  return addCalendarDays(addMonths(mandate.lastCollectionOn ?? mandate.signedOn, MANDATE_EXPIRY_MONTHS), -1);
}

/** The mandate's status on a day: a stored ACTIVE mandate unused for 36 months is EXPIRED. */
export function mandateStatus(mandate: Mandate, onDate: string): MandateStatus {
  if (mandate.status === 'REVOKED') return 'REVOKED';
  return onDate > expiresAfter(mandate) ? 'EXPIRED' : 'ACTIVE';
}

export interface NewMandate {
  readonly mandateId: string;
  readonly customerId: string;
  readonly creditorId: string;
  readonly scheme: MandateScheme;
  readonly iban: string;
  readonly bic?: string | null;
  readonly accountHolder: string;
  readonly signedOn: string;
}

/** What is wrong with a new mandate's fields, each named; empty when it may be created on `today`. */
export function newMandateProblems(input: NewMandate, today: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const idProblem = epcIdentifierProblem(input.mandateId, EPC_LENGTHS.mandateId);
  if (idProblem) problems.push({ field: 'mandateId', problem: idProblem });
  const iban = ibanProblem(input.iban);
  if (iban) problems.push({ field: 'iban', problem: iban });
  if (input.bic) {
    const bic = bicProblem(input.bic);
    if (bic) problems.push({ field: 'bic', problem: bic });
  }
  if (!MANDATE_SCHEMES.includes(input.scheme)) problems.push({ field: 'scheme', problem: 'must be CORE or B2B' });
  if (toEpcText(input.accountHolder, EPC_LENGTHS.name).length === 0) problems.push({ field: 'accountHolder', problem: 'must name the account holder in letters or digits' });
  else if (input.accountHolder.length > EPC_LENGTHS.name) problems.push({ field: 'accountHolder', problem: `must be at most ${EPC_LENGTHS.name} characters` });
  if (!isCalendarDate(input.signedOn)) problems.push({ field: 'signedOn', problem: 'must be a calendar date YYYY-MM-DD' });
  else if (input.signedOn > today) problems.push({ field: 'signedOn', problem: `must not be after today (${today})` });
  else if (mandateStatus({ signedOn: input.signedOn, lastCollectionOn: null, status: 'ACTIVE' } as Mandate, today) === 'EXPIRED') {
    problems.push({ field: 'signedOn', problem: `is more than ${MANDATE_EXPIRY_MONTHS} months ago: the mandate would have expired unused` });
  }
  const ci = creditorIdentifierProblem(input.creditorId);
  if (ci) problems.push({ field: 'creditorId', problem: ci });
  return problems;
}

/** A new mandate (call {@link newMandateProblems} first: this trusts its input). */
export function createMandate(input: NewMandate, at: string): Mandate {
  return {
    mandateId: input.mandateId,
    customerId: input.customerId,
    creditorId: normalizeCreditorIdentifier(input.creditorId),
    scheme: input.scheme,
    iban: electronicIban(input.iban),
    bic: input.bic ? input.bic.trim().toUpperCase() : null,
    accountHolder: input.accountHolder.trim(),
    signedOn: input.signedOn,
    status: 'ACTIVE',
    nextSequence: 'FRST',
    lastCollectionOn: null,
    revokedAt: null,
    revocationReason: null,
    createdAt: at,
    history: [{ at, note: `signed on ${input.signedOn}, scheme ${input.scheme}` }],
  };
}

/**
 * The mandate is presented for a collection on `collectionDate`: it must be active then; the
 * collection carries the returned sequence type and the next one is RCUR.
 */
export function presentCollection(mandate: Mandate, collectionDate: string, at: string): { mandate: Mandate; sequence: SequenceType } {
  const status = mandateStatus(mandate, collectionDate);
  if (status !== 'ACTIVE') throw new MandateError(mandate.mandateId, `is ${status.toLowerCase()} and cannot be collected on ${collectionDate}`);
  const sequence = mandate.nextSequence;
  const last = mandate.lastCollectionOn && mandate.lastCollectionOn > collectionDate ? mandate.lastCollectionOn : collectionDate;
  return {
    sequence,
    mandate: { ...mandate, nextSequence: 'RCUR', lastCollectionOn: last, history: [...mandate.history, { at, note: `presented ${sequence} for ${collectionDate}` }] },
  };
}

/**
 * A file cancelled before it reached the bank: its collections were never presented. A first
 * collection gives the mandate its FRST back; the last collection date goes back to the one before.
 */
export function withdrawCollection(mandate: Mandate, withdrawn: { readonly sequence: SequenceType; readonly previousCollectionOn: string | null }, at: string): Mandate {
  return {
    ...mandate,
    nextSequence: withdrawn.sequence === 'FRST' ? 'FRST' : mandate.nextSequence,
    lastCollectionOn: withdrawn.previousCollectionOn,
    history: [...mandate.history, { at, note: `collection withdrawn (${withdrawn.sequence})` }],
  };
}

/** Ends the mandate: no further collection. Revoking a revoked mandate is an error. */
export function revokeMandate(mandate: Mandate, reason: string, at: string): Mandate {
  if (mandate.status === 'REVOKED') throw new MandateError(mandate.mandateId, 'is already revoked');
  return { ...mandate, status: 'REVOKED', revokedAt: at, revocationReason: reason, history: [...mandate.history, { at, note: `revoked: ${reason}` }] };
}

/** A mandate id for a customer's n-th mandate when finance gives none: EPC identifier characters only. */
export function generatedMandateId(customerId: string, uniquePart: string): string {
  const customer = customerId.replace(/[^A-Za-z0-9]/g, '').slice(0, 16);
  const unique = uniquePart.replace(/[^A-Za-z0-9]/g, '').slice(0, 12).toUpperCase();
  return `MD-${customer}-${unique}`;
}

/** The mandate as the API shows it (the IBAN in full to finance; the pre-notification shows only its end). */
export function mandateView(mandate: Mandate, today: string) {
  return {
    mandateId: mandate.mandateId,
    customerId: mandate.customerId,
    creditorId: mandate.creditorId,
    scheme: mandate.scheme,
    iban: mandate.iban,
    bic: mandate.bic,
    accountHolder: mandate.accountHolder,
    signedOn: mandate.signedOn,
    status: mandateStatus(mandate, today),
    nextSequence: mandate.nextSequence,
    lastCollectionOn: mandate.lastCollectionOn,
    expiresAfter: expiresAfter(mandate),
    revokedAt: mandate.revokedAt,
    revocationReason: mandate.revocationReason,
    createdAt: mandate.createdAt,
  };
}
