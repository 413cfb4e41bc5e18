import { beforeEach, describe, expect, it } from 'vitest';
import { cancelOrder, decideCredit, placeOrder, reportShipment } from '../../../lambdas/core/orders/orders';
import { checkCredit, issueInvoiceForShipment, OrderCancelledError, waitForCreditDecision, waitForShipment } from '../../../lambdas/core/orders/order-steps';
import { getCustomer } from '../../../lambdas/core/customers/customers';
import { ConflictError, NotFoundError, ValidationError } from '../../../lambdas/core/errors';
import { inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { SHOP, aCustomer, anInvoice, anOrder, orderRequest } from '../../support/builders';
import { orderOnCreditHold } from '../../support/scenarios';

/** The default order request: 2 x 50.25 = 100.50 EUR. */
const ORDER_TOTAL = 10_050;

describe('CheckCredit', () => {
  let world: InMemoryWorld;

  beforeEach(() => {
    world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
  });

  it('rejects the order of a blocked customer, with the reason in the history', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-1', blocked: true }));
    const { orderId } = await placeOrder(world.deps, SHOP, orderRequest());
    world.clock.set('2026-03-02T09:00:05Z');

    // Act
    const result = await checkCredit(world.deps, { orderId });

    // Assess
    expect(result).toEqual({ decision: 'REJECTED', reason: 'customer C-1 is blocked' });
    const order = world.tables.orders.get(orderId)!;
    expect(order.status).toBe('REJECTED');
    expect(order.history.at(-1)).toEqual({ status: 'REJECTED', at: '2026-03-02T09:00:05.000Z', note: 'customer C-1 is blocked' });
    expect((await getCustomer(world.deps, SHOP, 'C-1')).exposure).toBe('0.00');
  });

  it('rejects a blocked customer even far within the credit limit', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-1', blocked: true, creditLimitMinor: 100_000_000 }));
    const { orderId } = await placeOrder(world.deps, SHOP, orderRequest());

    // Act
    const result = await checkCredit(world.deps, { orderId });

    // Assess
    expect(result.decision).toBe('REJECTED');
  });

  it('puts an order that takes the exposure (open items + accepted orders + this one) over the limit on CREDIT_HOLD, naming exposure and limit', async () => {
    // Prepare: 150.00 limit; 30.00 open of an invoice, 20.00 of another accepted order, 100.50 this order
    world.customers.seed(aCustomer({ customerId: 'C-1', creditLimitMinor: 15_000 }));
    world.invoices.seed(anInvoice({ invoiceId: 'I-1', totalMinor: 5_000, paidMinor: 2_000, balanceMinor: 3_000, status: 'PARTIALLY_PAID' }));
    world.orders.seed(anOrder({ orderId: 'O-other', totalMinor: 2_000, status: 'AWAITING_SHIPMENT' }));
    const { orderId } = await placeOrder(world.deps, SHOP, orderRequest());

    // Act
    const result = await checkCredit(world.deps, { orderId });

    // Assess
    expect(result).toEqual({ decision: 'HOLD', reason: 'exposure 150.50 EUR with this order exceeds the credit limit 150.00 EUR' });
    const order = world.tables.orders.get(orderId)!;
    expect(order.status).toBe('CREDIT_HOLD');
    expect(order.history.at(-1)).toMatchObject({ status: 'CREDIT_HOLD', note: result.reason });
  });

  it('approves an order that takes the exposure exactly to the limit, and leaves the order RECEIVED', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-1', creditLimitMinor: ORDER_TOTAL }));
    const { orderId } = await placeOrder(world.deps, SHOP, orderRequest());

    // Act
    const result = await checkCredit(world.deps, { orderId });

    // Assess
    expect(result).toEqual({ decision: 'APPROVED', reason: 'exposure 100.50 EUR within the credit limit 100.50 EUR' });
    expect(world.tables.orders.get(orderId)?.status).toBe('RECEIVED');
    expect(world.tables.orders.get(orderId)?.history).toHaveLength(1);
  });

  it('counts neither items in another currency, nor paid invoices, nor orders that are rejected, cancelled or on hold', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-1', creditLimitMinor: ORDER_TOTAL }));
    world.invoices.seed(anInvoice({ invoiceId: 'I-usd', currency: 'USD', totalMinor: 99_999 }));
    world.invoices.seed(anInvoice({ invoiceId: 'I-paid', sequence: 2, totalMinor: 5_000, paidMinor: 5_000, balanceMinor: 0, status: 'PAID' }));
    world.orders.seed(anOrder({ orderId: 'O-usd', currency: 'USD', totalMinor: 99_999, status: 'AWAITING_SHIPMENT' }));
    world.orders.seed(anOrder({ orderId: 'O-rejected', totalMinor: 99_999, status: 'REJECTED' }));
    world.orders.seed(anOrder({ orderId: 'O-cancelled', totalMinor: 99_999, status: 'CANCELLED' }));
    world.orders.seed(anOrder({ orderId: 'O-hold', totalMinor: 99_999, status: 'CREDIT_HOLD' }));
    const { orderId } = await placeOrder(world.deps, SHOP, orderRequest());

    // Act
    const result = await checkCredit(world.deps, { orderId });

    // Assess
    expect(result.decision).toBe('APPROVED');
  });

  it('counts only what a partially shipped order has not invoiced yet, next to its open invoice', async () => {
    // Prepare: limit 200.00; an order of 150.00 with 100.00 invoiced (open) and 50.00 to go, then 100.50
    world.customers.seed(aCustomer({ customerId: 'C-1', creditLimitMinor: 20_000 }));
    world.orders.seed(anOrder({ orderId: 'O-partial', totalMinor: 15_000, invoicedMinor: 10_000, status: 'PARTIALLY_SHIPPED' }));
    world.invoices.seed(anInvoice({ invoiceId: 'O-partial-I1', orderId: 'O-partial', totalMinor: 10_000 }));
    const { orderId } = await placeOrder(world.deps, SHOP, orderRequest());

    // Act
    const result = await checkCredit(world.deps, { orderId });

    // Assess: 100.00 + 50.00 + 100.50
    expect(result).toEqual({ decision: 'HOLD', reason: 'exposure 250.50 EUR with this order exceeds the credit limit 200.00 EUR' });
  });

  it('gives the same decision when the step runs again, changing nothing more', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-1', creditLimitMinor: 100 }));
    world.customers.seed(aCustomer({ customerId: 'C-2', blocked: true }));
    world.customers.seed(aCustomer({ customerId: 'C-3' }));
    const held = (await placeOrder(world.deps, SHOP, orderRequest({ customerId: 'C-1' }))).orderId;
    const rejected = (await placeOrder(world.deps, SHOP, orderRequest({ customerId: 'C-2' }))).orderId;
    const approved = (await placeOrder(world.deps, SHOP, orderRequest({ customerId: 'C-3' }))).orderId;
    const first = [await checkCredit(world.deps, { orderId: held }), await checkCredit(world.deps, { orderId: rejected }), await checkCredit(world.deps, { orderId: approved })];
    const before = structuredClone([...world.tables.orders.values()]);

    // Act
    const again = [await checkCredit(world.deps, { orderId: held }), await checkCredit(world.deps, { orderId: rejected }), await checkCredit(world.deps, { orderId: approved })];

    // Assess
    expect(first.map((r) => r.decision)).toEqual(['HOLD', 'REJECTED', 'APPROVED']);
    expect(again.map((r) => r.decision)).toEqual(['HOLD', 'REJECTED', 'APPROVED']);
    expect(again[1]?.reason).toBe('customer C-2 is blocked');
    expect([...world.tables.orders.values()]).toEqual(before);
  });

  it('approves without checking again once finance approved the order (a late re-run)', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-1', creditLimitMinor: 100 }));
    const { orderId } = await orderOnCreditHold(world);
    await decideCredit(world.deps, orderId, { decision: 'approve', reason: 'prepaid' }, 'finance-team');

    // Act
    const result = await checkCredit(world.deps, { orderId });

    // Assess
    expect(result).toEqual({ decision: 'APPROVED', reason: 'credit checked before' });
    expect(world.tables.orders.get(orderId)?.status).toBe('AWAITING_SHIPMENT');
  });

  it('ends a cancelled order as OrderCancelled', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-1' }));
    const { orderId } = await placeOrder(world.deps, SHOP, orderRequest());
    await cancelOrder(world.deps, SHOP, orderId, {});

    // Act
    const outcome = checkCredit(world.deps, { orderId });

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(OrderCancelledError);
    await expect(outcome).rejects.toMatchObject({ name: 'OrderCancelled' });
  });

  it('reports an unknown order as not found', async () => {
    // Act
    const error = await checkCredit(world.deps, { orderId: 'O-404' }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
  });
});

describe("AwaitCreditDecision and finance's decision", () => {
  let world: InMemoryWorld;

  beforeEach(() => {
    world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    world.customers.seed(aCustomer({ customerId: 'C-1', creditLimitMinor: 5_000 }));
  });

  it('keeps the token of the waiting step on the order while it is on hold', async () => {
    // Act
    const { orderId, creditToken } = await orderOnCreditHold(world);

    // Assess
    expect(await world.orders.taskToken(orderId, 'credit-decision')).toBe(creditToken);
    expect(world.workflow.isWaiting(creditToken)).toBe(true);
    expect(world.workflow.resumes).toEqual([]);
  });

  it('approves: AWAITING_SHIPMENT with who decided and why, the waiting step resumed with the decision', async () => {
    // Prepare
    const { orderId, creditToken } = await orderOnCreditHold(world);
    world.clock.set('2026-03-02T11:00:00Z');

    // Act
    const result = await decideCredit(world.deps, orderId, { decision: 'approve', reason: 'paid in advance' }, 'finance-team');

    // Assess
    expect(result).toEqual({ orderId, status: 'AWAITING_SHIPMENT', decision: 'approve', reason: 'paid in advance' });
    expect(world.tables.orders.get(orderId)?.history.at(-1)).toEqual({ status: 'AWAITING_SHIPMENT', at: '2026-03-02T11:00:00.000Z', note: 'credit approved by finance-team: paid in advance' });
    expect(world.workflow.resumes).toEqual([{ taskToken: creditToken, output: { decision: 'approve', reason: 'paid in advance' }, accepted: true }]);
    expect((await getCustomer(world.deps, SHOP, 'C-1')).exposure).toBe('100.50');
  });

  it('rejects: REJECTED with the reason, the waiting step resumed with the rejection', async () => {
    // Prepare
    const { orderId, creditToken } = await orderOnCreditHold(world);

    // Act
    const result = await decideCredit(world.deps, orderId, { decision: 'reject', reason: 'too many overdue invoices' }, 'finance-team');

    // Assess
    expect(result).toMatchObject({ status: 'REJECTED', decision: 'reject' });
    expect(world.tables.orders.get(orderId)?.status).toBe('REJECTED');
    expect(world.tables.orders.get(orderId)?.history.at(-1)?.note).toBe('credit rejected by finance-team: too many overdue invoices');
    expect(world.workflow.acceptedResumes(creditToken)).toEqual([{ taskToken: creditToken, output: { decision: 'reject', reason: 'too many overdue invoices' }, accepted: true }]);
  });

  it('answers 409 ORDER_NOT_ON_CREDIT_HOLD for an order that is not on hold, changing nothing', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-2' }));
    const { orderId } = await placeOrder(world.deps, SHOP, orderRequest({ customerId: 'C-2' }));
    const before = structuredClone(world.tables.orders.get(orderId));

    // Act
    const error = await decideCredit(world.deps, orderId, { decision: 'approve', reason: 'ok' }, 'finance-team').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('ORDER_NOT_ON_CREDIT_HOLD');
    expect((error as ConflictError).message).toContain('RECEIVED');
    expect(world.tables.orders.get(orderId)).toEqual(before);
    expect(world.workflow.resumes).toEqual([]);
  });

  it('answers 409 to a second decision and resumes nothing more', async () => {
    // Prepare
    const { orderId } = await orderOnCreditHold(world);
    await decideCredit(world.deps, orderId, { decision: 'approve', reason: 'ok' }, 'finance-team');

    // Act
    const error = await decideCredit(world.deps, orderId, { decision: 'reject', reason: 'changed my mind' }, 'finance-team').catch((e: unknown) => e);

    // Assess
    expect((error as ConflictError).code).toBe('ORDER_NOT_ON_CREDIT_HOLD');
    expect(world.tables.orders.get(orderId)?.status).toBe('AWAITING_SHIPMENT');
    expect(world.workflow.resumes).toHaveLength(1);
  });

  it.each([
    [{ decision: 'maybe', reason: 'x' }, 'decision', 'must be "approve" or "reject"'],
    [{ decision: 'approve' }, 'reason', 'is required'],
    [{ decision: 'approve', reason: '   ' }, 'reason', 'must say why'],
    [{ decision: 'approve', reason: 'x'.repeat(501) }, 'reason', 'must be at most 500 characters'],
    [{ decision: 'approve', reason: 'ok', amount: '1' }, 'amount', 'unknown field: amount'],
  ])('refuses %j naming the field, changing nothing', async (body, field, problem) => {
    // Prepare
    const { orderId } = await orderOnCreditHold(world);

    // Act
    const error = await decideCredit(world.deps, orderId, body, 'finance-team').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual([{ field, problem }]);
    expect(world.tables.orders.get(orderId)?.status).toBe('CREDIT_HOLD');
  });

  it('reports a decision on an unknown order as not found', async () => {
    // Act
    const error = await decideCredit(world.deps, 'O-404', { decision: 'approve', reason: 'ok' }, 'finance-team').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it.each([
    ['approve', 'approve'],
    ['reject', 'reject'],
  ] as const)('resumes the step at once with the %s when finance decided before the execution waited', async (decision, expected) => {
    // Prepare
    const { orderId } = await placeOrder(world.deps, SHOP, orderRequest());
    await checkCredit(world.deps, { orderId });
    await decideCredit(world.deps, orderId, { decision, reason: 'decided early' }, 'finance-team');
    const creditToken = world.workflow.newTaskToken('credit-decision');

    // Act
    const result = await waitForCreditDecision(world.deps, { orderId, taskToken: creditToken });

    // Assess
    expect(result).toEqual({ waiting: false });
    expect(world.workflow.acceptedResumes(creditToken)).toEqual([
      { taskToken: creditToken, output: { decision: expected, reason: `credit ${decision === 'approve' ? 'approved' : 'rejected'} by finance-team: decided early` }, accepted: true },
    ]);
  });

  it('resumes the waiting step exactly once however the decision and the step storing its token interleave', async () => {
    const seen = new Set<boolean>();
    for (const [stepDelay, decisionDelay] of [[0, 0], [0, 1], [0, 3], [1, 0], [2, 0], [3, 0], [5, 0]] as const) {
      // Prepare
      const racing = inMemoryWorld({ start: '2026-03-02T09:00:00Z', latency: () => new Promise((r) => setTimeout(r, 1)) });
      racing.customers.seed(aCustomer({ customerId: 'C-1', creditLimitMinor: 5_000 }));
      const { orderId } = await placeOrder(racing.deps, SHOP, orderRequest());
      await checkCredit(racing.deps, { orderId });
      const creditToken = racing.workflow.newTaskToken('credit-decision');
      const after = (ms: number) => new Promise((r) => setTimeout(r, ms));

      // Act
      const [step] = await Promise.all([
        after(stepDelay).then(() => waitForCreditDecision(racing.deps, { orderId, taskToken: creditToken })),
        after(decisionDelay).then(() => decideCredit(racing.deps, orderId, { decision: 'approve', reason: 'ok' }, 'finance-team')),
      ]);

      // Assess
      seen.add(step.waiting);
      const resumes = racing.workflow.acceptedResumes(creditToken);
      expect(resumes, `step after ${stepDelay}ms, decision after ${decisionDelay}ms: ${JSON.stringify(step)}`).toHaveLength(1);
      expect(resumes[0]?.output).toMatchObject({ decision: 'approve' });
      expect(racing.workflow.resumes.filter((r) => !r.accepted)).toEqual([]);
    }
    // Both orders happened: the step stored its token first (the decision resumed it) and the
    // decision came first (the step resumed itself).
    expect([...seen].sort()).toEqual([false, true]);
  });

  it('goes on to wait for the shipment after approval, the shipment report resuming that step', async () => {
    // Prepare
    const { orderId } = await orderOnCreditHold(world);
    await decideCredit(world.deps, orderId, { decision: 'approve', reason: 'ok' }, 'finance-team');
    const shipmentToken = world.workflow.newTaskToken('shipment');

    // Act
    const waiting = await waitForShipment(world.deps, { orderId, taskToken: shipmentToken });
    await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-1' });

    // Assess
    expect(waiting).toEqual({ waiting: true });
    expect(await world.orders.taskToken(orderId, 'credit-decision')).toBeUndefined();
    expect(world.workflow.acceptedResumes(shipmentToken)).toEqual([{ taskToken: shipmentToken, output: { shipmentId: 'S-1' }, accepted: true }]);
  });

  it('refuses a shipment of an order on credit hold with 409 ORDER_NOT_SHIPPABLE', async () => {
    // Prepare
    const { orderId } = await orderOnCreditHold(world);

    // Act
    const error = await reportShipment(world.deps, SHOP, orderId, {}).catch((e: unknown) => e);

    // Assess
    expect((error as ConflictError).code).toBe('ORDER_NOT_SHIPPABLE');
    expect(world.tables.orders.get(orderId)?.shipments).toEqual([]);
  });
});

describe('cancelling an order on credit hold', () => {
  let world: InMemoryWorld;

  beforeEach(() => {
    world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    world.customers.seed(aCustomer({ customerId: 'C-1', creditLimitMinor: 5_000 }));
  });

  it('cancels it and fails the credit-decision token with OrderCancelled', async () => {
    // Prepare
    const { orderId, creditToken } = await orderOnCreditHold(world);

    // Act
    const result = await cancelOrder(world.deps, SHOP, orderId, { reason: 'customer withdrew' });

    // Assess
    expect(result).toEqual({ orderId, status: 'CANCELLED' });
    expect(world.tables.orders.get(orderId)?.status).toBe('CANCELLED');
    expect(world.workflow.failures).toEqual([{ taskToken: creditToken, error: 'OrderCancelled', cause: 'customer withdrew', accepted: true }]);
    expect(world.workflow.isWaiting(creditToken)).toBe(false);
  });

  it('leaves finance nothing to decide afterwards (409)', async () => {
    // Prepare
    const { orderId } = await orderOnCreditHold(world);
    await cancelOrder(world.deps, SHOP, orderId, {});

    // Act
    const error = await decideCredit(world.deps, orderId, { decision: 'approve', reason: 'ok' }, 'finance-team').catch((e: unknown) => e);

    // Assess
    expect((error as ConflictError).code).toBe('ORDER_NOT_ON_CREDIT_HOLD');
    expect(world.tables.orders.get(orderId)?.status).toBe('CANCELLED');
  });

  it('ends the step as OrderCancelled when the cancel came before the step waited', async () => {
    // Prepare
    const { orderId } = await placeOrder(world.deps, SHOP, orderRequest());
    await checkCredit(world.deps, { orderId });
    await cancelOrder(world.deps, SHOP, orderId, {});

    // Act
    const outcome = waitForCreditDecision(world.deps, { orderId, taskToken: world.workflow.newTaskToken('credit-decision') });

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(OrderCancelledError);
    expect(world.workflow.resumes).toEqual([]);
  });

  it('either ends the racing AwaitCreditDecision step as OrderCancelled or fails its stored token, never both nor neither', async () => {
    const seen = new Set<string>();
    for (const [stepDelay, cancelDelay] of [[0, 0], [0, 2], [2, 0], [4, 0]] as const) {
      // Prepare
      const racing = inMemoryWorld({ latency: () => new Promise((r) => setTimeout(r, 1)) });
      racing.customers.seed(aCustomer({ customerId: 'C-1', creditLimitMinor: 5_000 }));
      const { orderId } = await placeOrder(racing.deps, SHOP, orderRequest());
      await checkCredit(racing.deps, { orderId });
      const token = racing.workflow.newTaskToken('credit-decision');
      const after = (ms: number) => new Promise((r) => setTimeout(r, ms));

      // Act
      const [step] = await Promise.all([
        after(stepDelay).then(() => waitForCreditDecision(racing.deps, { orderId, taskToken: token }).then((r) => r, (e: unknown) => e)),
        after(cancelDelay).then(() => cancelOrder(racing.deps, SHOP, orderId, {})),
      ]);

      // Assess
      const stepEnded = step instanceof OrderCancelledError;
      const tokenFailed = racing.workflow.failures.some((f) => f.taskToken === token && f.accepted);
      seen.add(stepEnded ? 'step ended' : 'token failed');
      expect(stepEnded !== tokenFailed, `step after ${stepDelay}ms, cancel after ${cancelDelay}ms: ${JSON.stringify({ stepEnded, tokenFailed })}`).toBe(true);
      expect(racing.workflow.resumes).toEqual([]);
    }
    expect([...seen].sort()).toEqual(['step ended', 'token failed']);
  });

  it('lets exactly one of a cancel and an approval racing each other win', async () => {
    // Prepare
    const racing = inMemoryWorld({ latency: () => new Promise((r) => setTimeout(r, 1)) });
    racing.customers.seed(aCustomer({ customerId: 'C-1', creditLimitMinor: 5_000 }));
    const { orderId, creditToken } = await orderOnCreditHold(racing);

    // Act
    const [cancel, decision] = await Promise.allSettled([
      cancelOrder(racing.deps, SHOP, orderId, {}),
      decideCredit(racing.deps, orderId, { decision: 'approve', reason: 'ok' }, 'finance-team'),
    ]);

    // Assess
    expect([cancel.status, decision.status].sort()).toEqual(['fulfilled', 'rejected']);
    const status = racing.tables.orders.get(orderId)?.status;
    expect(status).toBe(cancel.status === 'fulfilled' ? 'CANCELLED' : 'AWAITING_SHIPMENT');
    const ended = [...racing.workflow.acceptedResumes(creditToken), ...racing.workflow.failures.filter((f) => f.accepted)];
    expect(ended).toHaveLength(1);
  });
});

describe('credit reserved atomically per customer', () => {
  it('lets concurrent orders not pass the limit together: one is approved, the other goes on hold', async () => {
    // Prepare: room for one order of 100.50 under a 150.00 limit; the orders index shows neither order to the other (it lags)
    const world = inMemoryWorld({ start: '2026-03-02T09:00:00Z', latency: () => new Promise((resolve) => setTimeout(resolve, 1)) });
    world.customers.seed(aCustomer({ customerId: 'C-1', creditLimitMinor: 15_000 }));
    const a = (await placeOrder(world.deps, SHOP, orderRequest())).orderId;
    const b = (await placeOrder(world.deps, SHOP, orderRequest())).orderId;
    world.orders.uninvoicedTotal = async () => ORDER_TOTAL;

    // Act
    const results = await Promise.all([checkCredit(world.deps, { orderId: a }), checkCredit(world.deps, { orderId: b })]);

    // Assess
    expect(results.map((r) => r.decision).sort()).toEqual(['APPROVED', 'HOLD']);
    expect(world.tables.customers.get('C-1')?.creditReservedMinor).toBe(ORDER_TOTAL);
  });

  it('releases the reservation as the order is invoiced, and when an approved order is cancelled', async () => {
    const world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    world.customers.seed(aCustomer({ customerId: 'C-1' }));
    const { orderId } = await placeOrder(world.deps, SHOP, orderRequest());
    await checkCredit(world.deps, { orderId });
    expect(world.tables.customers.get('C-1')?.creditReservedMinor).toBe(ORDER_TOTAL);
    await waitForShipment(world.deps, { orderId, taskToken: world.workflow.newTaskToken('shipment') });
    const { shipment } = await reportShipment(world.deps, SHOP, orderId, {});
    await issueInvoiceForShipment(world.deps, { orderId, shipmentId: shipment.shipmentId });
    expect(world.tables.customers.get('C-1')?.creditReservedMinor).toBe(0);

    const other = (await placeOrder(world.deps, SHOP, orderRequest())).orderId;
    await checkCredit(world.deps, { orderId: other });
    expect(world.tables.customers.get('C-1')?.creditReservedMinor).toBe(ORDER_TOTAL);
    await cancelOrder(world.deps, SHOP, other, { reason: 'changed their mind' });
    expect(world.tables.customers.get('C-1')?.creditReservedMinor).toBe(0);
  });

  it("reserves the credit of an order finance approves over the limit, and keeps the reservation when the customer's master data is stored again", async () => {
    const world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    world.customers.seed(aCustomer({ customerId: 'C-1', creditLimitMinor: 100 }));
    const { orderId } = await orderOnCreditHold(world);
    await decideCredit(world.deps, orderId, { decision: 'approve', reason: 'paid in advance' }, 'finance-team');
    expect(world.tables.customers.get('C-1')?.creditReservedMinor).toBe(ORDER_TOTAL);
    await world.customers.put({ ...world.tables.customers.get('C-1')!, name: 'Acme Retail AG', creditReservedMinor: 0 });
    expect(world.tables.customers.get('C-1')).toMatchObject({ name: 'Acme Retail AG', creditReservedMinor: ORDER_TOTAL });
  });
});
