/**
 * The finance read routes through their handlers over in-memory ports: aging and KPI reports (JSON
 * and CSV), the order and customer lists, and an order's execution.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiEvent, bodyOf, errorOf, lambdaContext, stubHandlerEnvironment } from '../../support/api-events';
import { inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { InMemoryCustomerLister, InMemoryExecutions, InMemoryOrderLister, InMemoryReceivablesReader, InMemoryStatementResults } from '../../support/finance-fakes';
import { invoicedOrder, orderAwaitingShipment, registerCustomer } from '../../support/scenarios';

let aging: typeof import('../../../lambdas/handlers/api/aging-report');
let kpis: typeof import('../../../lambdas/handlers/api/kpi-report');
let listOrders: typeof import('../../../lambdas/handlers/api/list-orders');
let listCustomers: typeof import('../../../lambdas/handlers/api/list-customers');
let execution: typeof import('../../../lambdas/handlers/api/get-order-execution');

beforeAll(async () => {
  stubHandlerEnvironment();
  aging = await import('../../../lambdas/handlers/api/aging-report');
  kpis = await import('../../../lambdas/handlers/api/kpi-report');
  listOrders = await import('../../../lambdas/handlers/api/list-orders');
  listCustomers = await import('../../../lambdas/handlers/api/list-customers');
  execution = await import('../../../lambdas/handlers/api/get-order-execution');
});

afterAll(() => {
  vi.unstubAllEnvs();
});

let world: InMemoryWorld;
const finance = { role: 'finance' as const };

beforeEach(async () => {
  // 2026-03-02 10:00 in Berlin; C-1 pays within 30 days.
  world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
  await registerCustomer(world, 'C-1');
});

function reportDeps() {
  return { receivables: new InMemoryReceivablesReader(world.tables), clock: world.clock, settings: world.deps.settings };
}

describe('GET /reports/aging', () => {
  it('ages the open items at today (business time zone) by default, and at asOf when given', async () => {
    // 2 x 50.25 = 100.50 EUR issued 2026-03-02, due 2026-04-01; on 2026-04-20 it is 19 days past due.
    const { invoice } = await invoicedOrder(world);
    expect(invoice.dueDate).toBe('2026-04-01');
    world.clock.set('2026-04-20T08:00:00Z');
    const handler = aging.makeHandler(reportDeps());

    const today = await handler(apiEvent('GET', '/reports/aging', finance), lambdaContext);
    expect(today.statusCode).toBe(200);
    expect(bodyOf(today)).toMatchObject({
      asOf: '2026-04-20',
      currencies: [{ currency: 'EUR', total: '100.50', overdue: '100.50', buckets: { current: '0.00', '1-30': '100.50' }, customers: [{ customerId: 'C-1', total: '100.50' }] }],
    });

    const earlier = await handler(apiEvent('GET', '/reports/aging', { ...finance, query: { asOf: '2026-03-15' } }), lambdaContext);
    expect(bodyOf(earlier)).toMatchObject({ asOf: '2026-03-15', currencies: [{ buckets: { current: '100.50', '1-30': '0.00' }, overdue: '0.00' }] });
  });

  it('answers CSV on Accept: text/csv, named for download', async () => {
    await invoicedOrder(world);
    const response = await aging.makeHandler(reportDeps())(apiEvent('GET', '/reports/aging', { ...finance, query: { asOf: '2026-03-15' }, headers: { Accept: 'text/csv' } }), lambdaContext);
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers?.['content-disposition']).toBe('attachment; filename="aging-2026-03-15.csv"');
    expect(response.body.split('\r\n').slice(0, 3)).toEqual([
      'asOf,currency,customerId,customerName,current,1-30,31-60,61-90,over-90,total,overdue,items',
      '2026-03-15,EUR,C-1,Acme Retail GmbH,100.50,0.00,0.00,0.00,0.00,100.50,0.00,1',
      '2026-03-15,EUR,(all),,100.50,0.00,0.00,0.00,0.00,100.50,0.00,1',
    ]);
  });

  it('refuses an asOf that is not a calendar date', async () => {
    const response = await aging.makeHandler(reportDeps())(apiEvent('GET', '/reports/aging', { ...finance, query: { asOf: '2026-02-30' } }), lambdaContext);
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).details).toEqual([{ field: 'asOf', problem: 'must be a calendar date YYYY-MM-DD' }]);
  });
});

describe('GET /reports/kpis', () => {
  it('computes the month from the ledger: sales, receivables, DSO; CEI null when nothing could be collected yet', async () => {
    // March: 100.50 sold and all of it owed at 03-31 (due 04-01, so current): DSO = 100.50/100.50 x 31 = 31;
    // CEI = (0 + 100.50 - 100.50) / (0 + 100.50 - 100.50): no denominator, null. Auto-match: no statements.
    await invoicedOrder(world);
    world.clock.set('2026-04-20T08:00:00Z');
    const handler = kpis.makeHandler({ ...reportDeps(), statements: new InMemoryStatementResults([]) });
    const response = await handler(apiEvent('GET', '/reports/kpis', { ...finance, query: { period: '2026-03', trendMonths: '2' } }), lambdaContext);
    expect(response.statusCode).toBe(200);
    const body = bodyOf<{ currencies: unknown[]; trend: { period: string }[]; autoMatch: unknown; promises: unknown }>(response);
    expect(body).toMatchObject({ period: '2026-03', from: '2026-03-01', to: '2026-03-31' });
    expect(body.currencies).toEqual([
      expect.objectContaining({ currency: 'EUR', creditSales: '100.50', endingReceivables: '100.50', endingCurrentReceivables: '100.50', collected: '0.00', dso: 31, cei: null }),
    ]);
    expect(body.trend.map((t) => t.period)).toEqual(['2026-02', '2026-03']);
    expect(body.autoMatch).toEqual({ period: { creditLines: 0, appliedAutomatically: 0, rate: null }, allTime: { creditLines: 0, appliedAutomatically: 0, rate: null } });
    expect(body.promises).toBe('n/a');
  });

  it('defaults to the running month, says n/a without statement results, and answers CSV', async () => {
    await invoicedOrder(world);
    const handler = kpis.makeHandler(reportDeps());
    const json = bodyOf<{ period: string; to: string; autoMatch: unknown }>(await handler(apiEvent('GET', '/reports/kpis', finance), lambdaContext));
    expect(json).toMatchObject({ period: '2026-03', to: '2026-03-02', autoMatch: 'n/a' });
    const csv = await handler(apiEvent('GET', '/reports/kpis', { ...finance, headers: { accept: 'text/csv, application/json;q=0.5' } }), lambdaContext);
    expect(csv.headers?.['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body).toContain('2026-03,2026-03-01,2026-03-02,EUR,creditSales,100.50\r\n');
    expect(csv.body).toContain(',autoMatchRate,n/a\r\n');
  });

  it('refuses a period after the running month', async () => {
    const response = await kpis.makeHandler(reportDeps())(apiEvent('GET', '/reports/kpis', { ...finance, query: { period: '2026-04' } }), lambdaContext);
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).details).toEqual([{ field: 'period', problem: 'must not be after the running month 2026-03' }]);
  });

  it('refuses a period that is not a month and a trend out of range, naming both (the route rules, before the report runs)', async () => {
    const response = await kpis.makeHandler(reportDeps())(apiEvent('GET', '/reports/kpis', { ...finance, query: { period: '2026-13', trendMonths: '25' } }), lambdaContext);
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).details.map((d) => d.field)).toEqual(['period', 'trendMonths']);
  });
});

describe('GET /orders and GET /customers', () => {
  it('lists orders newest first, by status or customer, with a cursor to the next page', async () => {
    const first = await orderAwaitingShipment(world);
    world.clock.advanceMs(1000);
    const second = await orderAwaitingShipment(world);
    world.clock.advanceMs(1000);
    const { orderId: invoiced } = await invoicedOrder(world);
    const handler = listOrders.makeHandler({ orderLists: new InMemoryOrderLister(world.tables), customers: world.customers });

    const awaiting = bodyOf<{ items: { orderId: string; status: string }[]; cursor: string | null }>(
      await handler(apiEvent('GET', '/orders', { ...finance, query: { status: 'AWAITING_SHIPMENT', limit: '1' } }), lambdaContext),
    );
    expect(awaiting.items.map((o) => o.orderId)).toEqual([second.orderId]);
    expect(awaiting.cursor).not.toBeNull();
    const next = bodyOf<{ items: { orderId: string }[]; cursor: string | null }>(
      await handler(apiEvent('GET', '/orders', { ...finance, query: { status: 'AWAITING_SHIPMENT', limit: '1', cursor: awaiting.cursor! } }), lambdaContext),
    );
    expect(next).toEqual({ items: [expect.objectContaining({ orderId: first.orderId })], cursor: null });

    const ofCustomer = bodyOf<{ items: { orderId: string }[] }>(await handler(apiEvent('GET', '/orders', { ...finance, query: { customerId: 'C-1', status: 'INVOICED' } }), lambdaContext));
    expect(ofCustomer.items.map((o) => o.orderId)).toEqual([invoiced]);
    const all = bodyOf<{ items: { orderId: string }[] }>(await handler(apiEvent('GET', '/orders', finance), lambdaContext));
    expect(all.items.map((o) => o.orderId)).toEqual([invoiced, second.orderId, first.orderId]);
  });

  it('refuses an unknown status and a limit out of range', async () => {
    const response = await listOrders.makeHandler({ orderLists: new InMemoryOrderLister(world.tables), customers: world.customers })(
      apiEvent('GET', '/orders', { ...finance, query: { status: 'SHIPPED', limit: '0' } }),
      lambdaContext,
    );
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).details.map((d) => d.field)).toEqual(['limit', 'status']);
  });

  it('lists customers with their terms', async () => {
    await registerCustomer(world, 'C-2', { name: 'Bolt & Nuts', currency: 'USD', creditLimit: '500.00' });
    const body = bodyOf<{ items: unknown[] }>(await listCustomers.makeHandler({ customerLists: new InMemoryCustomerLister(world.tables) })(apiEvent('GET', '/customers', finance), lambdaContext));
    expect(body.items).toEqual([
      expect.objectContaining({ customerId: 'C-1', currency: 'EUR', creditLimit: '10000.00', onAccountCredit: '0.00' }),
      expect.objectContaining({ customerId: 'C-2', name: 'Bolt & Nuts', currency: 'USD', creditLimit: '500.00' }),
    ]);
  });
});

describe('GET /orders/{orderId}/execution', () => {
  it('shows the states the order went through with their times, and the state it waits in', async () => {
    const { orderId } = await orderAwaitingShipment(world);
    const executions = new InMemoryExecutions();
    const at = (s: number) => new Date(Date.UTC(2026, 2, 2, 9, 0, s)).toISOString();
    executions.records.set(`order-${orderId}`, {
      executionArn: `arn:aws:states:eu-central-1:123456789012:execution:OrderLifecycle:order-${orderId}`,
      name: `order-${orderId}`,
      status: 'RUNNING',
      startDate: at(0),
      stopDate: null,
      definition: { StartAt: 'CheckCredit', States: {} },
      events: [
        { id: 1, type: 'ExecutionStarted', timestamp: at(0) },
        { id: 2, type: 'TaskStateEntered', timestamp: at(0), stateName: 'CheckCredit' },
        { id: 3, type: 'TaskStateExited', timestamp: at(1), stateName: 'CheckCredit' },
        { id: 4, type: 'ChoiceStateEntered', timestamp: at(1), stateName: 'IsCreditApproved' },
        { id: 5, type: 'ChoiceStateExited', timestamp: at(1), stateName: 'IsCreditApproved' },
        { id: 6, type: 'TaskStateEntered', timestamp: at(2), stateName: 'WaitForShipment' },
      ],
    });
    const handler = execution.makeHandler({ orders: world.orders, executions });
    const response = await handler(apiEvent('GET', `/orders/${orderId}/execution`, { ...finance, pathParameters: { orderId } }), lambdaContext);
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({
      orderId,
      status: 'RUNNING',
      currentState: 'WaitForShipment',
      lastState: 'WaitForShipment',
      definition: { StartAt: 'CheckCredit' },
      visits: [
        { name: 'CheckCredit', enteredAt: at(0), exitedAt: at(1) },
        { name: 'IsCreditApproved', enteredAt: at(1), exitedAt: at(1) },
        { name: 'WaitForShipment', enteredAt: at(2), exitedAt: null },
      ],
    });
  });

  it('is 404 for an unknown order, and for an order without an execution', async () => {
    const { orderId } = await orderAwaitingShipment(world);
    const handler = execution.makeHandler({ orders: world.orders, executions: new InMemoryExecutions() });
    const unknown = await handler(apiEvent('GET', '/orders/nope/execution', { ...finance, pathParameters: { orderId: 'nope' } }), lambdaContext);
    expect([unknown.statusCode, errorOf(unknown).message]).toEqual([404, 'Order nope does not exist']);
    const none = await handler(apiEvent('GET', `/orders/${orderId}/execution`, { ...finance, pathParameters: { orderId } }), lambdaContext);
    expect(none.statusCode).toBe(404);
  });
});

describe('GET /reports/kpis far back', () => {
  it('refuses a period before 1900 (the trend reached back into year 0 and failed with a 500)', async () => {
    const response = await kpis.makeHandler(reportDeps())(apiEvent('GET', '/reports/kpis', { ...finance, query: { period: '0001-01', trendMonths: '24' } }), lambdaContext);
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).details).toEqual([{ field: 'period', problem: 'must be a month YYYY-MM from 1900-01 on' }]);
  });
});
