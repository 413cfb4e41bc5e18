/**
 * Names, emails, references and SKUs are one line: a line break, tab or any other control
 * character in them is a 400 naming the field (they end up in email headers, CSV cells, PDFs and
 * logs). Free text (a reason) may have line breaks but no other control character.
 */
import { SHOP } from '../../support/builders';
import { describe, expect, it } from 'vitest';
import { parseWith, SINGLE_LINE_PROBLEM, CONTROL_CHARACTER_PROBLEM } from '../../../lambdas/core/validation';
import { putCustomerRequest } from '../../../lambdas/core/customers/customer';
import { placeOrderRequest, reportShipmentRequest } from '../../../lambdas/core/orders/order';
import { recordPaymentRequest } from '../../../lambdas/core/payments/payment';
import { policyRequest } from '../../../lambdas/core/dunning/policy';
import { cancelOrderRequest, cancelOrder } from '../../../lambdas/core/orders/orders';
import { ValidationError } from '../../../lambdas/core/errors';
import { inMemoryWorld } from '../../support/in-memory';

function problemsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
  return [];
}

const customer = { name: 'ACME GmbH', email: 'ap@acme.example', currency: 'EUR', creditLimit: '100.00', paymentTermsDays: 14 };
const breaks = [
  ['a line feed', 'ACME\nGmbH'],
  ['a carriage return at the end', 'ACME GmbH\r'],
  ['a tab', 'ACME\tGmbH'],
  ['a line separator', 'ACME\u2028GmbH'],
  ['a NEL (C1)', 'ACME\u0085GmbH'],
  ['DEL', 'ACME\u007f'],
] as const;

describe('one-line fields', () => {
  it.each(breaks)('refuses %s in a customer name', (_, name) => {
    expect(problemsOf(() => parseWith(putCustomerRequest, { ...customer, name }))).toEqual([{ field: 'name', problem: SINGLE_LINE_PROBLEM }]);
  });

  it.each([
    ['a header injected after a line break', 'ap@acme.example\r\nBcc: all@victim.example'],
    ['a trailing line feed', 'ap@acme.example\n'],
    ['a tab', 'ap@acme\t.example'],
  ])('refuses %s in a customer email', (_, email) => {
    expect(problemsOf(() => parseWith(putCustomerRequest, { ...customer, email }))).toEqual([{ field: 'email', problem: SINGLE_LINE_PROBLEM }]);
  });

  it('still refuses an email that is not one, and keeps names with accents, quotes and ampersands', () => {
    expect(problemsOf(() => parseWith(putCustomerRequest, { ...customer, email: 'nope' }))).toEqual([{ field: 'email', problem: 'must be an email address' }]);
    expect(parseWith(putCustomerRequest, { ...customer, name: '  Müller & Söhne "Alt" <KG>  ' }).name).toBe('Müller & Söhne "Alt" <KG>');
  });

  it('refuses line breaks in the payer name and reference of a payment', () => {
    const payment = { amount: '1.00', currency: 'EUR', valueDate: '2026-03-02' };
    expect(problemsOf(() => parseWith(recordPaymentRequest, { ...payment, payerName: 'Jane\nDoe', reference: 'INV-1\r\n' }))).toEqual([
      { field: 'reference', problem: SINGLE_LINE_PROBLEM },
      { field: 'payerName', problem: SINGLE_LINE_PROBLEM },
    ]);
  });

  it('refuses line breaks in SKUs, external references, carriers and tracking numbers', () => {
    const order = { customerId: 'C-1', currency: 'EUR', lines: [{ sku: 'CHAIR\n1', quantity: 1, unitPrice: '1.00' }], externalRef: 'PO\t1' };
    expect(problemsOf(() => parseWith(placeOrderRequest, order)).map((p) => p.field)).toEqual(['lines[0].sku', 'externalRef']);
    expect(problemsOf(() => parseWith(reportShipmentRequest, { carrier: 'DHL\n', trackingNumber: '1\u00002' })).map((p) => p.field)).toEqual(['carrier', 'trackingNumber']);
  });

  it('refuses line breaks in the names of a dunning policy and its levels', () => {
    const policy = {
      name: 'Default\npolicy',
      graceDays: 3,
      levels: [{ level: 1, name: 'Friendly\r\nreminder', daysPastDue: 3, minDaysSincePrevious: 0, template: 'friendly-reminder' }],
    };
    expect(problemsOf(() => parseWith(policyRequest, policy)).map((p) => p.field)).toEqual(['name', 'levels[0].name']);
  });
});

describe('free text', () => {
  it('takes a cancellation reason of several lines, refuses other control characters, unknown fields and a reason that is not text', () => {
    expect(parseWith(cancelOrderRequest, { reason: 'Customer called.\nWill order again.' }).reason).toBe('Customer called.\nWill order again.');
    expect(problemsOf(() => parseWith(cancelOrderRequest, { reason: 'bell\u0007' }))).toEqual([{ field: 'reason', problem: CONTROL_CHARACTER_PROBLEM }]);
    expect(problemsOf(() => parseWith(cancelOrderRequest, { reason: 42 }))).toEqual([{ field: 'reason', problem: 'must be a string, not the number 42' }]);
    expect(problemsOf(() => parseWith(cancelOrderRequest, { why: 'x' }))).toEqual([{ field: 'why', problem: 'unknown field: why' }]);
    expect(problemsOf(() => parseWith(cancelOrderRequest, { reason: 'x'.repeat(501) }))).toEqual([{ field: 'reason', problem: 'must be at most 500 characters' }]);
  });

  it('cancels nothing when the body is bad (it used to ignore a body it did not understand)', async () => {
    const world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    await expect(cancelOrder(world.deps, SHOP, 'O-404', { reason: 42 })).rejects.toThrow(ValidationError);
    await expect(cancelOrder(world.deps, SHOP, 'O-404', null)).rejects.toThrow('Order O-404 does not exist');
  });
});
