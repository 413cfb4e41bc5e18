/**
 * Mandates, as finance records them: `POST /customers/{customerId}/mandates` (the signed mandate:
 * IBAN, optional BIC, account holder, date of signature, scheme, optional mandate reference),
 * the customer's list, and revocation. The seller's creditor identifier (settings) is the
 * creditor of every mandate.
 */
import * as z from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { retryOnConflict } from '../kernel/retry';
import type { CustomerStore } from '../ports';
import { calendarDateIn, type Clock } from '../time/clock';
import { parseWith } from '../validation';
import { createMandate, generatedMandateId, mandateView, newMandateProblems, revokeMandate, type MandateScheme } from './mandate';
import { MandateExistsError, type DirectDebitStore } from './ports';
import { mandateCreated, mandateRevoked } from '../events/events';

export interface MandateDeps {
  readonly directDebits: DirectDebitStore;
  readonly customers: Pick<CustomerStore, 'get'>;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly settings: { readonly businessTimeZone: string; readonly seller: { readonly creditorId: string } };
}

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const mandateRequest = z.strictObject({
  iban: text(42),
  bic: text(11).optional(),
  accountHolder: text(70),
  signedOn: z.string(),
  scheme: z.enum(['CORE', 'B2B'], { message: 'must be CORE or B2B' }),
  mandateId: text(35).optional(),
});

export const revokeRequest = z.strictObject({ reason: text(500) });

const today = (deps: MandateDeps) => calendarDateIn(deps.clock.now(), deps.settings.businessTimeZone);

/** Records a signed mandate; 409 when the reference was used before. */
export async function recordMandate(deps: MandateDeps, customerId: string, body: unknown, keyedId?: string) {
  const request = parseWith(mandateRequest, body);
  const customer = await deps.customers.get(customerId);
  if (!customer) throw new NotFoundError('Customer', customerId);
  const day = today(deps);
  const input = {
    mandateId: request.mandateId ?? generatedMandateId(customerId, keyedId ?? deps.newId()),
    customerId,
    creditorId: deps.settings.seller.creditorId,
    scheme: request.scheme as MandateScheme,
    iban: request.iban,
    bic: request.bic ?? null,
    accountHolder: request.accountHolder,
    signedOn: request.signedOn,
  };
  const problems = newMandateProblems(input, day);
  if (problems.length > 0) throw new ValidationError(problems.map((p) => (p.field === 'creditorId' ? { field: 'settings.seller.creditorId', problem: p.problem } : p)));
  const mandate = createMandate(input, deps.clock.now().toISOString());
  try {
    await deps.directDebits.createMandate(mandate, [mandateCreated(mandate, customer.registeredBy ?? null)]);
  } catch (error) {
    if (error instanceof MandateExistsError) throw new ConflictError(`Mandate reference ${mandate.mandateId} is used already: a creditor's mandate references are unique`, 'MANDATE_EXISTS');
    throw error;
  }
  return mandateView(mandate, day);
}

export async function listMandates(deps: MandateDeps, customerId: string) {
  const customer = await deps.customers.get(customerId);
  if (!customer) throw new NotFoundError('Customer', customerId);
  const day = today(deps);
  const mandates = await deps.directDebits.mandatesOf(customerId);
  return { customerId, items: mandates.sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1)).map((m) => mandateView(m, day)) };
}

/** Revokes the mandate (finance, or the customer through finance): no further collection. */
export async function revokeCustomerMandate(deps: MandateDeps, customerId: string, mandateId: string, body: unknown) {
  const request = parseWith(revokeRequest, body);
  return retryOnConflict(
    async () => {
      const mandate = await deps.directDebits.mandate(mandateId);
      if (!mandate || mandate.customerId !== customerId) throw new NotFoundError('Mandate', mandateId);
      if (mandate.status === 'REVOKED') throw new ConflictError(`Mandate ${mandateId} is already revoked`, 'MANDATE_REVOKED');
      const after = revokeMandate(mandate, request.reason, deps.clock.now().toISOString());
      const owner = (await deps.customers.get(customerId))?.registeredBy ?? null;
      const revoked = mandateRevoked(mandate, after, owner);
      await deps.directDebits.saveMandate(mandate, after, revoked ? [revoked] : []);
      return mandateView(after, today(deps));
    },
    { attempts: 5 },
  );
}
