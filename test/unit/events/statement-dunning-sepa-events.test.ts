/**
 * The events of statements, dunning and SEPA (issue 16's remaining list): built from the change
 * itself, validated against the JSON Schema files, scoped to the customer's owner (finance's when
 * the change spans customers), with an id that is the same on every attempt of the same change.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import { EVENT_TYPES, type DomainEvent } from '../../../lambdas/core/events/catalogue';
import { mandateCreated, mandateRevoked, postingEvents, statementProcessed } from '../../../lambdas/core/events/events';
import { EVENT_SCHEMA_DIR } from '../../../lib/definitions/event-schemas';
import { createMandate, revokeMandate } from '../../../lambdas/core/sepa/mandate';
import type { Invoice } from '../../../lambdas/core/invoices/invoice';
import type { LineResult } from '../../../lambdas/core/cash-application/application';
import type { CollectionFile } from '../../../lambdas/core/sepa/collection';
import type { Refund } from '../../../lambdas/core/sepa/refunds';
import { postingItemCount } from '../../../lambdas/core/posting/posting';
import { anInvoice } from '../../support/builders';

const ajv = new Ajv2020({ allErrors: true, strict: true });
const validators = new Map(EVENT_TYPES.map((t) => [t, ajv.compile(JSON.parse(readFileSync(join(EVENT_SCHEMA_DIR, `${t}.json`), 'utf8')) as object)]));
function expectValid(event: DomainEvent) {
  const validate = validators.get(event.eventType)!;
  expect(validate(event), `${event.eventType}: ${ajv.errorsText(validate.errors)}`).toBe(true);
}

const AT = '2026-04-10T04:00:00.000Z';

function reminded(invoice: Invoice, level: number, runId: string, fees: { fee: number; interest: number }, first: boolean): Invoice {
  const d = invoice.dunning;
  return {
    ...invoice,
    dunning: {
      ...d,
      level,
      history: [...d.history, { level, at: AT, channel: 'email', messageId: `ses-${runId}`, event: 'reminder', runId, state: `ReminderLevel${level}Sent` }],
      feesPostedMinor: (d.feesPostedMinor ?? 0) + fees.fee,
      interestPostedMinor: (d.interestPostedMinor ?? 0) + fees.interest,
      escalation: first ? { executionName: `dunning-${invoice.invoiceId}`, startedAt: AT, state: 'active', endedAs: null } : d.escalation,
    },
  };
}

describe('dunning events', () => {
  const open = anInvoice({ invoiceId: 'I-7', number: 'INV-2026-000007', balanceMinor: 10_000 });

  it('the first reminder reports InvoiceOverdue (the dunning started) and ReminderSent with its level, fee, interest and letter', () => {
    const after = reminded(open, 1, 'run-2026-04-10', { fee: 500, interest: 37 }, true);
    const events = postingEvents({ description: 'dunning', invoices: [{ before: open, after }], journals: [] });
    expect(events.map((e) => e.eventType)).toEqual(['InvoiceOverdue.v1', 'ReminderSent.v1']);
    expect(events[0]).toMatchObject({ occurredAt: AT, customerId: 'C-1', ownerId: open.ownerId, data: { invoiceId: 'I-7', dueDate: '2026-04-01', overdueAt: open.overdueAt, balance: '100.00', level: 0 } });
    expect(events[1]).toMatchObject({
      occurredAt: AT,
      data: { level: 1, letterId: 'run-2026-04-10/C-1', runId: 'run-2026-04-10', messageId: 'ses-run-2026-04-10', resent: false, fee: '5.00', interest: '0.37', balance: '100.00' },
    });
    for (const e of events) expectValid(e);
  });

  it('a later level reports only ReminderSent; a hand-over to the collector or a history entry without a letter reports none', () => {
    const first = reminded(open, 1, 'run-2026-04-10', { fee: 0, interest: 0 }, true);
    const second = reminded(first, 2, 'run-2026-04-24', { fee: 1_000, interest: 0 }, false);
    const events = postingEvents({ description: 'dunning', invoices: [{ before: first, after: second }], journals: [] });
    expect(events.map((e) => e.eventType)).toEqual(['ReminderSent.v1']);
    expect(events[0]!.data).toMatchObject({ level: 2, fee: '10.00' });
    expect(events[0]!.eventId).not.toBe(postingEvents({ description: 'dunning', invoices: [{ before: open, after: first }], journals: [] })[1]!.eventId);
    const collector: Invoice = { ...second, dunning: { ...second.dunning, level: 3, history: [...second.dunning.history, { level: 3, at: AT, channel: 'collector', messageId: null, event: 'handed-to-collector', runId: 'run-2026-05-08' }] } };
    expect(postingEvents({ description: 'dunning', invoices: [{ before: second, after: collector }], journals: [] })).toEqual([]);
  });

  it('a letter sent again at the same level (after a bounce) is a ReminderSent marked resent, with its own id', () => {
    const first = reminded(open, 1, 'run-2026-04-10', { fee: 0, interest: 0 }, true);
    const again = reminded(first, 1, 'run-2026-04-12', { fee: 0, interest: 0 }, false);
    const [event] = postingEvents({ description: 'dunning', invoices: [{ before: first, after: again }], journals: [] });
    expect(event).toMatchObject({ eventType: 'ReminderSent.v1', data: { level: 1, resent: true, runId: 'run-2026-04-12' } });
  });
});

function line(sequence: number, status: LineResult['status'], amountMinor: number, currency = 'EUR'): LineResult {
  return {
    statementId: 'st-1',
    sequence,
    lineId: `L-${sequence}`,
    lineKey: `k-${sequence}`,
    account: null,
    amountMinor,
    currency,
    bookingDate: '2026-04-10',
    valueDate: '2026-04-10',
    payerName: null,
    payerAccount: null,
    reference: null,
    status,
    customerId: null,
    allocations: [],
    shortPayWriteOff: null,
    onAccountMinor: 0,
    unappliedMinor: status === 'applied' ? 0 : amountMinor,
    confidence: 1,
    reasons: [],
    candidates: [],
    paymentId: `P-${sequence}`,
    recordedAt: AT,
  };
}

describe('StatementProcessed', () => {
  const statement = { statementId: 'st-1', uploads: 2, format: 'camt.053' as const, accounts: ['DE89370400440532013000'], total: 4, counts: { applied: 2, suggested: 1, unapplied: 1 }, at: AT };

  it('carries the counts and, per currency, the amounts by outcome; finance only (no customer, no owner)', () => {
    const event = statementProcessed(statement, [line(1, 'applied', 10_000), line(2, 'applied', 2_550), line(3, 'suggested', 700), line(4, 'unapplied', 1_999, 'CHF')]);
    expect(event).toMatchObject({
      eventType: 'StatementProcessed.v1',
      occurredAt: AT,
      customerId: null,
      ownerId: null,
      data: {
        statementId: 'st-1',
        upload: 2,
        lines: 4,
        counts: { applied: 2, suggested: 1, unapplied: 1 },
        totals: [
          { currency: 'CHF', received: '19.99', applied: '0.00', suggested: '0.00', unapplied: '19.99' },
          { currency: 'EUR', received: '132.50', applied: '125.50', suggested: '7.00', unapplied: '0.00' },
        ],
      },
    });
    expectValid(event);
  });

  it('has one id per upload of the statement', () => {
    expect(statementProcessed(statement, []).eventId).toBe(statementProcessed({ ...statement }, []).eventId);
    expect(statementProcessed(statement, []).eventId).not.toBe(statementProcessed({ ...statement, uploads: 3 }, []).eventId);
  });
});

describe('SEPA events', () => {
  const mandate = createMandate(
    { mandateId: 'MND-1', customerId: 'C-1', creditorId: 'DE98ZZZ09999999999', scheme: 'CORE', iban: 'DE89 3704 0044 0532 0130 00', bic: null, accountHolder: 'Acme Retail GmbH', signedOn: '2026-03-01' },
    '2026-03-02T09:00:00.000Z',
  );

  it('a mandate recorded and revoked report MandateCreated (without the IBAN, its last four digits only) and MandateRevoked', () => {
    const created = mandateCreated(mandate, 'shop-1');
    expect(created).toMatchObject({ customerId: 'C-1', ownerId: 'shop-1', occurredAt: mandate.createdAt, data: { mandateId: 'MND-1', scheme: 'CORE', ibanLast4: '3000' } });
    expect(JSON.stringify(created)).not.toContain('0532');
    const revoked = revokeMandate(mandate, 'customer asked', AT);
    const event = mandateRevoked(mandate, revoked, null)!;
    expect(event).toMatchObject({ occurredAt: AT, ownerId: null, data: { mandateId: 'MND-1', reason: 'customer asked', revokedAt: AT } });
    expect(mandateRevoked(revoked, revoked, null)).toBeNull();
    for (const e of [created, event]) expectValid(e);
  });

  it('a posting with a new collection file reports CollectionFileCreated (finance only); a return reports CollectionReturned and the mandate it revokes', () => {
    const file: CollectionFile = {
      fileId: 'DD-1',
      messageId: 'MSG-1',
      createdAt: AT,
      runDate: '2026-04-10',
      status: 'created',
      numberOfTransactions: 2,
      sumMinor: 15_000,
      cancelledAt: null,
      creditor: { name: 'Seller', iban: 'DE89370400440532013000', bic: null, creditorId: 'DE98ZZZ09999999999' },
      batches: [
        { paymentInformationId: 'MSG-1-1', scheme: 'CORE', sequence: 'FRST', collectionDate: '2026-04-15', transactions: [{ invoiceId: 'I-1', endToEndId: 'E1', amountMinor: 10_000, currency: 'EUR' } as never] },
        { paymentInformationId: 'MSG-1-2', scheme: 'CORE', sequence: 'RCUR', collectionDate: '2026-04-14', transactions: [{ invoiceId: 'I-2', endToEndId: 'E2', amountMinor: 5_000, currency: 'EUR' } as never] },
      ],
    };
    const [created] = postingEvents({ description: 'collection', invoices: [], journals: [], directDebit: { file: { before: null, after: file } } });
    expect(created).toMatchObject({ eventType: 'CollectionFileCreated.v1', customerId: null, ownerId: null, data: { fileId: 'DD-1', controlSum: '150.00', numberOfTransactions: 2, collectionDates: ['2026-04-14', '2026-04-15'], invoiceIds: ['I-1', 'I-2'] } });
    expectValid(created!);
    expect(postingEvents({ description: 'cancel', invoices: [], journals: [], directDebit: { file: { before: file, after: { ...file, status: 'cancelled', cancelledAt: AT } } } })).toEqual([]);

    const dd = { status: 'pending' as const, fileId: 'DD-1', endToEndId: 'INV-2026-000007-1', mandateId: 'MND-1', scheme: 'CORE' as const, sequence: 'FRST' as const, collectionDate: '2026-04-15', amountMinor: 10_000, attempt: 1, previousCollectionOn: null };
    const collected = anInvoice({ invoiceId: 'I-7', number: 'INV-2026-000007', balanceMinor: 0, paidMinor: 10_000, status: 'PAID', directDebit: dd });
    const returned: Invoice = { ...collected, balanceMinor: 10_000, paidMinor: 0, status: 'OPEN', directDebit: { ...dd, status: 'returned', returnReason: { code: 'AC04', text: 'account closed' }, returnedAt: AT, reversedMinor: 10_000 } };
    const revoked = revokeMandate(mandate, 'return AC04: account closed', AT);
    const posting = { description: 'return', invoices: [{ before: collected, after: returned }], journals: [], directDebit: { mandates: [{ before: mandate, after: revoked }] } };
    const events = postingEvents(posting);
    expect(events.map((e) => e.eventType)).toEqual(['CollectionReturned.v1', 'MandateRevoked.v1']);
    expect(events[0]).toMatchObject({ ownerId: collected.ownerId, data: { invoiceId: 'I-7', endToEndId: 'INV-2026-000007-1', reasonCode: 'AC04', amount: '100.00', reversed: '100.00', invoiceBalance: '100.00' } });
    // The revoked mandate's event is scoped to the owner of the customer's invoice in the posting.
    expect(events[1]).toMatchObject({ customerId: 'C-1', ownerId: collected.ownerId });
    for (const e of events) expectValid(e);
    expect(postingItemCount(posting)).toBe(1 + 1 + 2);
  });

  it('a refund posting reports RefundIssued scoped to the customer owner it names; its confirmation reports nothing', () => {
    const refund: Refund = {
      refundId: 'RFD-1',
      customerId: 'C-1',
      amountMinor: 4_200,
      currency: 'EUR',
      creditorName: 'Acme',
      iban: 'DE89370400440532013000',
      bic: null,
      endToEndId: 'RFD-1',
      messageId: 'CT-1',
      executionDate: '2026-04-13',
      status: 'sent',
      createdAt: AT,
      confirmedAt: null,
      reversedAt: null,
      reversalReason: null,
    };
    const [event] = postingEvents({ description: 'refund', invoices: [], journals: [], customerOwnerId: 'shop-1', directDebit: { refund: { before: null, after: refund } } });
    expect(event).toMatchObject({ eventType: 'RefundIssued.v1', customerId: 'C-1', ownerId: 'shop-1', data: { refundId: 'RFD-1', amount: '42.00', executionDate: '2026-04-13' } });
    expectValid(event!);
    expect(postingEvents({ description: 'refund confirmed', invoices: [], journals: [], directDebit: { refund: { before: refund, after: { ...refund, status: 'confirmed', confirmedAt: AT } } } })).toEqual([]);
  });
});
